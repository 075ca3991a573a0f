package accounts_test

import (
	"context"
	"testing"
	"time"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/banking/accounts"
	"github.com/ponte-bff/ponte/internal/saopaulo"
)

// fieldCode is the code of err's error on field, "" when there is none.
func fieldCode(err error, field string) apperr.Code {
	list := apperr.List{}
	if l, ok := err.(apperr.List); ok {
		list = l
	} else if e, ok := err.(*apperr.Error); ok {
		list = apperr.List{e}
	}
	for _, e := range list {
		if len(e.Field) > 0 && e.Field[len(e.Field)-1] == field {
			return e.Code
		}
	}
	return ""
}

// TestAPersonUnder18IsRefused: the schema promises a PF holder is at least 18 (Código Civil, art.
// 5); the day of the 18th birthday, São Paulo's calendar, is the first day it may open an account.
// A company's foundation date has no minimum.
func TestAPersonUnder18IsRefused(t *testing.T) {
	svc, _ := newService(t, "standard")
	ctx := context.Background()
	// 02:30 UTC on 15 May 2026 is still 14 May in São Paulo.
	svc.SetClock(func() time.Time { return time.Date(2026, 5, 15, 2, 30, 0, 0, time.UTC) })
	day := func(y int, m time.Month, d int) *time.Time { t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC); return &t }
	for _, c := range []struct {
		name  string
		doc   string
		birth *time.Time
		ok    bool
	}{
		{"EighteenTomorrow", "248.438.034-80", day(2008, 5, 15), false},
		{"EighteenToday", "238.584.881-35", day(2008, 5, 14), true},
		{"Seventeen", "248.438.034-80", day(2009, 1, 1), false},
		{"CompanyFoundedLastYear", "11222333000181", day(2025, 5, 1), true},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := svc.Create(ctx, nil, accounts.CreateInput{Name: "Joana Menor", Email: "j@example.com", Document: c.doc, DateOfBirth: c.birth})
			if c.ok && err != nil {
				t.Fatalf("refused: %v", err)
			}
			if !c.ok && fieldCode(err, "dateOfBirth") != apperr.Invalid {
				t.Fatalf("err %v, want INVALID on dateOfBirth", err)
			}
		})
	}
	if saopaulo.Location.String() != "America/Sao_Paulo" {
		t.Fatal("the bank's calendar is not São Paulo's")
	}
}

func TestUsername(t *testing.T) {
	svc, _ := newService(t, "standard")
	ctx := context.Background()
	name := func(s string) *string { return &s }
	acc, err := svc.Create(ctx, nil, accounts.CreateInput{Name: "Jose Penteado", Email: "jose@example.com", Document: validCPF, Username: name(" MyUserName ")})
	if err != nil || acc.Username == nil || *acc.Username != "myusername" {
		t.Fatalf("%+v %v", acc, err)
	}
	if _, err := svc.Create(ctx, nil, accounts.CreateInput{Name: "Outra Pessoa", Email: "o@example.com", Document: validCNPJ, Username: name("myUSERname")}); fieldCode(err, "username") != apperr.Invalid {
		t.Fatalf("a taken username: %v", err)
	}
	for _, bad := range []string{"ab", "9lives", "with space", "ümlaut", "a234567890123456789012345678901234"} {
		if _, err := svc.Create(ctx, nil, accounts.CreateInput{Name: "Outra Pessoa", Email: "o@example.com", Document: validCNPJ, Username: name(bad)}); fieldCode(err, "username") != apperr.Invalid {
			t.Errorf("username %q: %v", bad, err)
		}
	}
	if acc, err := svc.Create(ctx, nil, accounts.CreateInput{Name: "Sem Usuario", Email: "s@example.com", Document: validCNPJ}); err != nil || acc.Username != nil {
		t.Fatalf("without a username: %+v %v", acc, err)
	}
}
