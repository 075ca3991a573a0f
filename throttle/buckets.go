package throttle

import (
	"context"

	"github.com/ponte-bff/ponte/auth"
	"github.com/ponte-bff/ponte/models"
)

// Buckets says whose bucket a caller spends from and with which limits: a tenant its own, sized
// by its registration (the tenants table's throttle columns) or else the defaults; a holder or an
// operator one of their own (by subject), sized by the defaults.
type Buckets struct {
	*Limiter
	Defaults Limits
}

// Of is the bucket key and limits of c.
func (b *Buckets) Of(c *auth.Caller) (string, Limits) {
	if c.Kind == auth.KindTenant && c.Tenant != nil {
		return "tenant:" + c.Tenant.ID.String(), b.TenantLimits(c.Tenant)
	}
	return c.Actor(), b.Defaults
}

// TenantLimits are t's limits: its own where it has them, the defaults otherwise.
func (b *Buckets) TenantLimits(t *models.Tenant) Limits {
	lim := b.Defaults
	if t.ThrottleCapacity != nil {
		lim.Capacity = *t.ThrottleCapacity
	}
	if t.ThrottleRestoreRate != nil {
		lim.RestoreRate = *t.ThrottleRestoreRate
	}
	return lim
}

// StatusOf is the bucket of the caller of ctx now; false when the request has no caller.
func (b *Buckets) StatusOf(ctx context.Context) (Status, bool) {
	c, ok := auth.CallerFrom(ctx)
	if !ok {
		return Status{}, false
	}
	key, lim := b.Of(c)
	return b.Peek(key, lim), true
}
