package auth

import (
	"sync"

	"github.com/google/uuid"
)

// ownerCache remembers the owner of each account the authorizer has read: every request on an
// account asks it, and the answer never changes (migration 00023 makes the database refuse a new
// owner and the deletion of an account). Only accounts that exist are remembered, so one created
// after a miss is read then. Bounded: when full it starts over.
type ownerCache struct {
	mu    sync.RWMutex
	owner map[uuid.UUID]*uuid.UUID // account → owning tenant; nil: no tenant owns it
}

// ownerCacheSize bounds the memory: 100,000 accounts are a few MiB.
const ownerCacheSize = 100_000

// get returns the owner of each of ids it knows, and the ids it does not.
func (c *ownerCache) get(ids []uuid.UUID, found func(id uuid.UUID, owner *uuid.UUID)) (missing []uuid.UUID) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	for _, id := range ids {
		if owner, ok := c.owner[id]; ok {
			found(id, owner)
		} else {
			missing = append(missing, id)
		}
	}
	return missing
}

func (c *ownerCache) put(id uuid.UUID, owner *uuid.UUID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.owner == nil || len(c.owner) >= ownerCacheSize {
		c.owner = make(map[uuid.UUID]*uuid.UUID)
	}
	if owner != nil {
		o := *owner
		owner = &o
	}
	c.owner[id] = owner
}
