package main

import (
	"net/url"
	"strings"

	"github.com/ponte-bff/ponte/devidp"
	"github.com/ponte-bff/ponte/ide"
)

// devIDE adds to the IDE of a development server whose provider is at issuer what a newcomer's
// first hour needs: a "get a demo token" button per demo client, the holder login, and the
// README's journey as example tabs. The demo secrets are public (devidp.Demo), so the page may
// hold them; a production server never builds this.
func devIDE(cfg ide.Config, issuer, publicURL string) ide.Config {
	demo := devidp.Demo(issuer)
	dev := &ide.Dev{
		TokenEndpoint:     issuerPath(issuer) + "/oauth/token",
		AuthorizeEndpoint: issuer + "/authorize",
		HolderClientID:    devidp.DemoIDEClientID,
		RedirectURI:       publicURL + ide.CallbackPath,
		HolderScopes:      strings.Join(append([]string{"openid", "profile", "email"}, devidp.DemoHolderScopes()...), " "),
	}
	for _, id := range []string{"demo-erp", "demo-erp-2", "demo-operator"} {
		for _, c := range demo.Clients {
			if c.ID == id {
				dev.Clients = append(dev.Clients, ide.DemoClient{ID: c.ID, Secret: c.Secret, Label: c.ID})
			}
		}
	}
	cfg.Dev = dev
	for _, q := range devidp.DemoExamples() {
		cfg.Tabs = append(cfg.Tabs, ide.Tab{Query: q})
	}
	cfg.DefaultQuery = cfg.Tabs[0].Query
	return cfg
}

// issuerPath is the path of the issuer's URL: the IDE reaches the token endpoint on its own
// origin (its Content-Security-Policy allows only that).
func issuerPath(issuer string) string {
	u, err := url.Parse(issuer)
	if err != nil {
		return "/idp"
	}
	return strings.TrimSuffix(u.Path, "/")
}
