package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os/user"
	"strings"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/globalid"
	"github.com/ponte-bff/ponte/tenants"
)

// commandUsage lists the commands; without one, ponte serves.
const commandUsage = `usage:
  ponte                      serve (configured by the environment, see README)
  ponte tenant add [flags]   register a tenant in DATABASE_URL (run with -h for the flags)`

// command runs one of ponte's commands on the database the environment names (the server's
// configuration, read the same way).
func command(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) >= 2 && args[0] == "tenant" && args[1] == "add" {
		return tenantAdd(ctx, args[2:], getenv, stdout, stderr)
	}
	return fmt.Errorf("unknown command %q\n%s", strings.Join(args, " "), commandUsage)
}

// tenantAdd registers a tenant: `ponte tenant add --client-id erp --name "ERP" --scopes
// accounts:read,payments:read --redirect-uri https://erp.example.com/consent/callback`. It goes
// through the code registerTenant goes through (tenants.Service.Register), so its checks and its
// audit event are the same; the actor is cli:<the OS user>. It migrates a fresh database first,
// so a new production database is bootstrapped by this command alone.
func tenantAdd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("ponte tenant add", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var in tenants.Registration
	var scopes string
	var redirects listFlag
	capacity := fs.Int("throttle-capacity", 0, "its bucket's capacity in cost points (0: the server's default)")
	rate := fs.Int("throttle-restore-rate", 0, "cost points its bucket restores per second (0: the server's default)")
	fs.StringVar(&in.ClientID, "client-id", "", "the OAuth client id its tokens carry (client_id or azp) (required)")
	fs.StringVar(&in.Name, "name", "", "the ERP's name, shown to holders (required)")
	fs.StringVar(&scopes, "scopes", "", "scopes its tokens may use, comma-separated, e.g. accounts:read,payments:initiate")
	fs.Var(&redirects, "redirect-uri", "a URL its consent journeys may send holders back to (repeat for several)")
	actor := fs.String("actor", "cli:"+osUser(), "who registers it, for the audit log")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("ponte tenant add: unexpected argument %q", fs.Arg(0))
	}
	in.AllowedScopes = strings.FieldsFunc(scopes, func(r rune) bool { return r == ',' || r == ' ' })
	in.RedirectURIs = redirects
	if *capacity != 0 {
		in.ThrottleCapacity = capacity
	}
	if *rate != 0 {
		in.ThrottleRestoreRate = rate
	}

	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	pool, db, err := openDatabase(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeDatabase(pool, db)
	t, err := tenants.New(db).Register(ctx, *actor, in)
	var list apperr.List
	if errors.As(err, &list) {
		for _, e := range list {
			fmt.Fprintf(stderr, "%s: %s (%s)\n", strings.Join(e.Field, "."), e.Message, e.Code)
		}
		return fmt.Errorf("tenant not registered")
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "registered tenant %s (id %s) for OAuth client %q with scopes %s\n",
		t.Name, globalid.Encode(globalid.Tenant, t.ID), t.ClientID, strings.Join(t.AllowedScopes, " "))
	fmt.Fprintln(stdout, "its client must also exist at the OpenID Provider, with the client credentials grant and tokens whose audience is "+cfg.OIDCAudience)
	return nil
}

// listFlag is a flag that may be given several times.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, " ") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func osUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return "unknown"
}
