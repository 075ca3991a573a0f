package consent

import (
	"sync"

	"github.com/google/uuid"
)

// Event is one consent transition, published after its transaction commits.
type Event struct {
	ConsentID uuid.UUID
	TenantID  uuid.UUID
	From, To  Status
}

// Broker fans consent events out to in-process subscribers. Publishing never blocks: a
// subscriber whose buffer is full is dropped (its channel closed), so a slow client cannot slow
// a holder's decision. Each channel is closed exactly once, by the broker.
type Broker struct {
	mu   sync.Mutex
	subs map[chan Event]struct{}
}

// NewBroker returns an empty broker.
func NewBroker() *Broker { return &Broker{subs: map[chan Event]struct{}{}} }

// Subscribe returns a channel of events and a function that ends the subscription.
func (b *Broker) Subscribe() (<-chan Event, func()) {
	ch := make(chan Event, 16)
	b.mu.Lock()
	b.subs[ch] = struct{}{}
	b.mu.Unlock()
	return ch, func() { b.remove(ch) }
}

func (b *Broker) remove(ch chan Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.subs[ch]; ok {
		delete(b.subs, ch)
		close(ch)
	}
}

// Publish sends e to every subscriber without blocking.
func (b *Broker) Publish(e Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for ch := range b.subs {
		select {
		case ch <- e:
		default:
			delete(b.subs, ch)
			close(ch)
		}
	}
}

// Len is the number of live subscribers (for leak tests and metrics).
func (b *Broker) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.subs)
}
