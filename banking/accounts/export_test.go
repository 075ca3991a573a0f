package accounts

// SetNumberSourceForTest replaces how new account numbers are drawn, to force collisions.
func (s *Service) SetNumberSourceForTest(next func() (int64, error)) { s.number = next }
