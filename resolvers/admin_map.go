package resolvers

import (
	"context"

	"github.com/ponte-bff/ponte/graph/model"
	"github.com/ponte-bff/ponte/models"
	"github.com/ponte-bff/ponte/paging"
	"github.com/ponte-bff/ponte/tenants"
)

// registration is a tenant's registration when the caller may read it (auth decides).
func (r *tenantResolver) registration(ctx context.Context, obj *model.Tenant) (*models.Tenant, error) {
	if obj.Row == nil { // every Tenant is built by tenantOut, which keeps its row
		return nil, r.Authz.Refuse(ctx)
	}
	if err := r.Authz.TenantRegistration(ctx, obj.Row.ID); err != nil {
		return nil, err
	}
	return obj.Row, nil
}

func tenantConnection(page *tenants.Page, p paging.Page) *model.TenantConnection {
	edges, nodes, info := relay(page.Tenants, tenantOut, tenants.CursorOf,
		func(c string, n *model.Tenant) *model.TenantEdge { return &model.TenantEdge{Cursor: c, Node: n} },
		page.HasNext, p)
	return &model.TenantConnection{Edges: edges, Nodes: nodes, PageInfo: info, TotalCount: int(page.Total)}
}

// registrationIn is registerTenant's input for package tenants.
func registrationIn(in model.RegisterTenantInput) tenants.Registration {
	return tenants.Registration{ClientID: in.ClientID, Name: in.Name, AllowedScopes: in.AllowedScopes, RedirectURIs: in.RedirectUris,
		ThrottleCapacity: in.ThrottleCapacity, ThrottleRestoreRate: in.ThrottleRestoreRate}
}

// changeIn is updateTenant's input for package tenants.
func changeIn(in model.UpdateTenantInput) tenants.Change {
	return tenants.Change{Name: in.Name, AllowedScopes: in.AllowedScopes, RedirectURIs: in.RedirectUris,
		ThrottleCapacity: in.ThrottleCapacity, ThrottleRestoreRate: in.ThrottleRestoreRate, Enabled: in.Enabled}
}

// throttleOut is a tenant's bucket limits.
func (r *tenantResolver) throttleOut(t *models.Tenant) *model.TenantThrottle {
	lim := r.Buckets.TenantLimits(t)
	return &model.TenantThrottle{Capacity: lim.Capacity, RestoreRate: lim.RestoreRate,
		IsDefault: t.ThrottleCapacity == nil && t.ThrottleRestoreRate == nil}
}
