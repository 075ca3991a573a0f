package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"
)

// workloads, by name, and what each one is.
var workloadNames = map[string]string{
	"W1": "internal transfers, uniform over the accounts",
	"W2": "internal transfers from one hot source account",
	"W3": "internal transfers to one hot destination account",
	"W4": "consented transfer created by the tenant, approved by the holder",
	"W5": "internal transfers, 10 % of them replaying an earlier idempotency key",
	"W6": "50-entry statement page",
}

// outcome is what one operation of a closed-loop client did.
type outcome struct {
	err    error // a transport or GraphQL error, or a userError
	replay bool  // W5: the operation resent an earlier key
	nodes  int   // W6: entries on the page
}

// env is what the operations need: the server, the tokens, the accounts.
type env struct {
	api      *api
	tenant   *token
	holder   *token // W4
	accounts []account
	holderID string    // W4: the consented account
	pages    []account // W6: accounts with at least a page of entries
	run      string    // prefix of this run's idempotency keys
}

// client is one closed-loop client's state.
type client struct {
	id      int
	rng     *rand.Rand
	seq     int
	history []map[string]any // W5: inputs sent, to replay
}

const transferMutation = `mutation($input: CreateInternalTransferInput!) { createInternalTransfer(input: $input) {
  payment { id status } userErrors { field code message } } }`

const approveMutation = `mutation($ids: [ID!]!) { approvePayments(input: {paymentIds: $ids}) {
  payments { id status } userErrors { field code message } } }`

const statementQuery = `query($id: ID!) { account(id: $id) { statement(first: 50) {
  nodes { id occurredAt direction kind amount { amount } balanceAfter { amount } description }
  pageInfo { endCursor hasNextPage } } } }`

type paymentAnswer struct {
	Payment *struct {
		ID, Status string
	}
	UserErrors []userError
}

// op returns the operation of a workload.
func (e *env) op(workload string) (func(context.Context, *client) outcome, error) {
	n := len(e.accounts)
	pair := func(c *client) (src, dst account) {
		i := c.rng.IntN(n)
		j := c.rng.IntN(n - 1)
		if j >= i {
			j++
		}
		return e.accounts[i], e.accounts[j]
	}
	other := func(c *client) account { return e.accounts[1+c.rng.IntN(n-1)] }
	switch workload {
	case "W1":
		return func(ctx context.Context, c *client) outcome {
			src, dst := pair(c)
			return e.transfer(ctx, e.transferInput(c, src.ID, dst.Code))
		}, nil
	case "W2":
		return func(ctx context.Context, c *client) outcome {
			return e.transfer(ctx, e.transferInput(c, e.accounts[0].ID, other(c).Code))
		}, nil
	case "W3":
		return func(ctx context.Context, c *client) outcome {
			return e.transfer(ctx, e.transferInput(c, other(c).ID, e.accounts[0].Code))
		}, nil
	case "W4":
		return func(ctx context.Context, c *client) outcome {
			var p paymentAnswer
			input := e.transferInput(c, e.holderID, e.accounts[c.rng.IntN(n)].Code)
			o := e.transferCall(ctx, input, &p)
			if o.err != nil {
				return o
			}
			tok, err := e.holder.get(ctx)
			if err != nil {
				return outcome{err: err}
			}
			var d struct {
				Payments   []struct{ ID, Status string }
				UserErrors []userError
			}
			if err := e.api.gql(ctx, tok, approveMutation, map[string]any{"ids": []string{p.Payment.ID}}, "approvePayments", &d); err != nil {
				return outcome{err: err}
			}
			if len(d.Payments) != 1 {
				return outcome{err: fmt.Errorf("approvePayments: %v", userErrorsText(d.UserErrors))}
			}
			return outcome{}
		}, nil
	case "W5":
		return func(ctx context.Context, c *client) outcome {
			if len(c.history) > 0 && c.rng.IntN(10) == 0 {
				o := e.transfer(ctx, c.history[c.rng.IntN(len(c.history))])
				o.replay = true
				return o
			}
			src, dst := pair(c)
			input := e.transferInput(c, src.ID, dst.Code)
			if len(c.history) < 1000 {
				c.history = append(c.history, input)
			}
			return e.transfer(ctx, input)
		}, nil
	case "W6":
		if len(e.pages) == 0 {
			return nil, fmt.Errorf("W6: no account with a page of entries")
		}
		return func(ctx context.Context, c *client) outcome {
			tok, err := e.tenant.get(ctx)
			if err != nil {
				return outcome{err: err}
			}
			var a struct {
				Statement struct{ Nodes []struct{ ID string } }
			}
			id := e.pages[c.rng.IntN(len(e.pages))].ID
			if err := e.api.gql(ctx, tok, statementQuery, map[string]any{"id": id}, "account", &a); err != nil {
				return outcome{err: err}
			}
			return outcome{nodes: len(a.Statement.Nodes)}
		}, nil
	}
	return nil, fmt.Errorf("unknown workload %q (W1…W6)", workload)
}

// transferInput is a new transfer of 1 to 10 centavos under a fresh idempotency key.
func (e *env) transferInput(c *client, src, dstCode string) map[string]any {
	c.seq++
	return map[string]any{
		"accountId": src, "targetAccountCode": dstCode, "amount": fmt.Sprintf("0.%02d", 1+c.rng.IntN(10)),
		"idempotencyKey": fmt.Sprintf("%s-%d-%d", e.run, c.id, c.seq),
	}
}

func (e *env) transfer(ctx context.Context, input map[string]any) outcome {
	var p paymentAnswer
	return e.transferCall(ctx, input, &p)
}

func (e *env) transferCall(ctx context.Context, input map[string]any, p *paymentAnswer) outcome {
	tok, err := e.tenant.get(ctx)
	if err != nil {
		return outcome{err: err}
	}
	if err := e.api.gql(ctx, tok, transferMutation, map[string]any{"input": input}, "createInternalTransfer", p); err != nil {
		return outcome{err: err}
	}
	if p.Payment == nil {
		return outcome{err: userErrorsText(p.UserErrors)}
	}
	return outcome{}
}

// load is what the closed loop measured inside the window.
type load struct {
	Window   time.Duration
	OK       int
	Errors   int
	Replays  int
	Nodes    int // W6: entries read
	Latency  summary
	FirstErr string
}

// closedLoop runs clients that each send the next operation as soon as the previous one is
// answered: warmup, then window. Operations that start and end inside the window count. It
// returns when every client has finished its last operation (bounded by the HTTP timeout).
func closedLoop(clients int, warmup, window time.Duration, seed uint64, op func(context.Context, *client) outcome) (out load, start, t0, t1 time.Time) {
	start = time.Now()
	t0 = start.Add(warmup)
	t1 = t0.Add(window)
	type tally struct {
		lat                      []time.Duration
		ok, errs, replays, nodes int
		firstErr                 string
	}
	tallies := make([]tally, clients)
	var wg sync.WaitGroup
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			c := &client{id: i, rng: rand.New(rand.NewPCG(seed, uint64(i)))}
			t := &tallies[i]
			for {
				began := time.Now()
				if !began.Before(t1) {
					return
				}
				o := op(context.Background(), c) // an operation in flight is let finish
				ended := time.Now()
				if began.Before(t0) || ended.After(t1) {
					continue
				}
				if o.err != nil {
					t.errs++
					if t.firstErr == "" {
						t.firstErr = o.err.Error()
					}
					continue
				}
				t.ok++
				t.lat = append(t.lat, ended.Sub(began))
				t.nodes += o.nodes
				if o.replay {
					t.replays++
				}
			}
		}(i)
	}
	wg.Wait()
	out = load{Window: window}
	var all []time.Duration
	for _, t := range tallies {
		out.OK += t.ok
		out.Errors += t.errs
		out.Replays += t.replays
		out.Nodes += t.nodes
		all = append(all, t.lat...)
		if out.FirstErr == "" {
			out.FirstErr = t.firstErr
		}
	}
	out.Latency = summarize(all)
	return out, start, t0, t1
}
