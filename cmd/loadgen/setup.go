package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/ponte-bff/ponte/brazil"
)

// account is one of the tenant's funded, KYC-approved accounts.
type account struct {
	ID   string // global ID
	Code string // bank account code, with its check digit
}

// holderDocument is the seeded demo holder's CPF; their account is reached only through consent.
const holderDocument = "39053344705"

const listAccounts = `query($after: String) { accounts(first: 100, after: $after) {
  nodes { id document status bankAccount { accountCode } balance { available { amount } } }
  pageInfo { endCursor hasNextPage } } }`

type accountNode struct {
	ID, Document, Status string
	BankAccount          *struct{ AccountCode string }
	Balance              *struct{ Available struct{ Amount string } }
}

// fundedCents is what setup deposits in each account; an account below minCents is topped up.
const (
	fundAmount = "1000000.00"
	minCents   = 1_000_000 // R$ 10,000.00
)

// setupAccounts makes sure the tenant has n funded, KYC-approved accounts, reusing those a
// previous run opened, and returns n of them.
func setupAccounts(ctx context.Context, a *api, tenant, operator *token, n, parallel int, logf func(string, ...any)) ([]account, error) {
	tok, err := tenant.get(ctx)
	if err != nil {
		return nil, err
	}
	var existing []accountNode
	var after *string
	for {
		var conn struct {
			Nodes    []accountNode
			PageInfo struct {
				EndCursor   *string
				HasNextPage bool
			}
		}
		if err := a.gql(ctx, tok, listAccounts, map[string]any{"after": after}, "accounts", &conn); err != nil {
			return nil, fmt.Errorf("list accounts: %w", err)
		}
		for _, node := range conn.Nodes {
			if node.Document != holderDocument {
				existing = append(existing, node)
			}
		}
		if !conn.PageInfo.HasNextPage || len(existing) >= n {
			break
		}
		after = conn.PageInfo.EndCursor
	}
	if len(existing) > n {
		existing = existing[:n]
	}
	missing := n - len(existing)
	logf("setup: %d accounts exist, opening %d", len(existing), missing)
	start := time.Now()
	out := make([]account, n)
	jobs := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	for w := 0; w < parallel; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				var node accountNode
				if i < len(existing) {
					node = existing[i]
				}
				acc, err := prepareAccount(ctx, a, tenant, operator, node)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = fmt.Errorf("account %d: %w", i, err)
				}
				out[i] = acc
				mu.Unlock()
			}
		}()
	}
	for i := 0; i < n; i++ {
		mu.Lock()
		failed := firstErr != nil
		mu.Unlock()
		if failed {
			break
		}
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	logf("setup: %d accounts ready in %.1fs", n, time.Since(start).Seconds())
	return out, nil
}

const (
	createAccountMutation = `mutation($input: CreateAccountInput!) { createAccount(input: $input) {
  account { id status } userErrors { field code message } } }`
	reviewKycMutation = `mutation($id: ID!) { reviewKyc(input: {accountId: $id, decision: APPROVE}) {
  account { id status bankAccount { accountCode } } userErrors { field code message } } }`
	depositMutation = `mutation($input: SandboxDepositInput!) { sandboxDeposit(input: $input) {
  entry { id } userErrors { field code message } } }`
)

// prepareAccount opens (when node is empty), approves (unless it is) and funds (when low) one account.
func prepareAccount(ctx context.Context, a *api, tenant, operator *token, node accountNode) (account, error) {
	tok, err := tenant.get(ctx)
	if err != nil {
		return account{}, err
	}
	if node.ID == "" {
		for attempt := 0; ; attempt++ {
			var p struct {
				Account    *struct{ ID, Status string }
				UserErrors []userError
			}
			doc := randomCNPJ()
			input := map[string]any{"name": "Carga " + doc, "email": "carga@example.com", "document": doc}
			if err := a.gql(ctx, tok, createAccountMutation, map[string]any{"input": input}, "createAccount", &p); err != nil {
				return account{}, err
			}
			if p.Account != nil {
				node = accountNode{ID: p.Account.ID, Status: p.Account.Status}
				break
			}
			if attempt == 3 { // a random document already taken, three times over: something else is wrong
				return account{}, userErrorsText(p.UserErrors)
			}
		}
	}
	if node.Status != "APPROVED" || node.BankAccount == nil {
		op, err := operator.get(ctx)
		if err != nil {
			return account{}, err
		}
		var p struct {
			Account *struct {
				ID, Status  string
				BankAccount *struct{ AccountCode string }
			}
			UserErrors []userError
		}
		if err := a.gql(ctx, op, reviewKycMutation, map[string]any{"id": node.ID}, "reviewKyc", &p); err != nil {
			return account{}, err
		}
		if p.Account == nil || p.Account.BankAccount == nil {
			return account{}, fmt.Errorf("reviewKyc: %v", userErrorsText(p.UserErrors))
		}
		node.Status, node.BankAccount = p.Account.Status, p.Account.BankAccount
	}
	if node.Balance == nil || centsOf(node.Balance.Available.Amount) < minCents {
		key := fmt.Sprintf("lg-fund-%d-%d", time.Now().UnixNano(), rand.Uint32())
		if err := deposit(ctx, a, tok, node.ID, fundAmount, key); err != nil {
			return account{}, err
		}
	}
	return account{ID: node.ID, Code: node.BankAccount.AccountCode}, nil
}

func deposit(ctx context.Context, a *api, tok, accountID, amount, key string) error {
	var p struct {
		Entry      *struct{ ID string }
		UserErrors []userError
	}
	input := map[string]any{"accountId": accountID, "amount": amount, "idempotencyKey": key, "description": "loadgen"}
	if err := a.gql(ctx, tok, depositMutation, map[string]any{"input": input}, "sandboxDeposit", &p); err != nil {
		return err
	}
	if p.Entry == nil {
		return fmt.Errorf("sandboxDeposit: %v", userErrorsText(p.UserErrors))
	}
	return nil
}

// centsOf reads a Decimal string ("1500.25") as centavos; anything unreadable is 0.
func centsOf(amount string) int64 {
	var whole, frac int64
	var fracDigits int
	seenDot := false
	for _, c := range amount {
		switch {
		case c == '.':
			seenDot = true
		case c >= '0' && c <= '9' && !seenDot:
			whole = whole*10 + int64(c-'0')
		case c >= '0' && c <= '9' && fracDigits < 2:
			frac = frac*10 + int64(c-'0')
			fracDigits++
		case c >= '0' && c <= '9':
		default:
			return 0
		}
	}
	for ; fracDigits < 2; fracDigits++ {
		frac *= 10
	}
	return whole*100 + frac
}

// randomCNPJ is a valid numeric CNPJ (head office, branch 0001) with a random base.
func randomCNPJ() string {
	base := fmt.Sprintf("%08d0001", rand.IntN(100_000_000))
	n := cnpjWithCheckDigits(base)
	if _, err := brazil.ParseCNPJ(n); err != nil { // the brazil package is the judge of validity
		panic(fmt.Sprintf("generated an invalid CNPJ %s: %v", n, err))
	}
	return n
}

// cnpjWithCheckDigits appends the two mod-11 check digits to a 12-digit CNPJ base.
func cnpjWithCheckDigits(base string) string {
	dv := func(s string, weights []int) byte {
		sum := 0
		for i, w := range weights {
			sum += int(s[i]-'0') * w
		}
		if r := sum % 11; r >= 2 {
			return byte('0' + 11 - r)
		}
		return '0'
	}
	s := base + string(dv(base, []int{5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2}))
	return s + string(dv(s, []int{6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2}))
}

const requestConsentMutation = `mutation($input: RequestConsentInput!) { requestConsent(input: $input) {
  consent { id status authorizationUrl } userErrors { field code message } } }`

// consentedAccount gives the tenant PAYMENTS_INITIATE on the demo holder's account (the holder
// logs in and approves on the consent page, over plain HTTP) and returns the account's ID.
func consentedAccount(ctx context.Context, a *api, m *meter, tenant *token, logf func(string, ...any)) (string, error) {
	id, err := m.holderAccountID(ctx)
	if err != nil {
		return "", err
	}
	tok, err := tenant.get(ctx)
	if err != nil {
		return "", err
	}
	var p struct {
		Consent *struct {
			ID, Status       string
			AuthorizationURL *string
		}
		UserErrors []userError
	}
	input := map[string]any{"accountId": id, "scopes": []string{"ACCOUNTS_READ", "PAYMENTS_INITIATE", "PAYMENTS_READ"},
		"redirectUri": "http://localhost:3000/consent/callback"}
	if err := a.gql(ctx, tok, requestConsentMutation, map[string]any{"input": input}, "requestConsent", &p); err != nil {
		return "", err
	}
	if p.Consent == nil {
		return "", fmt.Errorf("requestConsent: %v", userErrorsText(p.UserErrors))
	}
	if p.Consent.AuthorizationURL != nil {
		if err := a.consentJourney(ctx, *p.Consent.AuthorizationURL); err != nil {
			return "", err
		}
		logf("W4: the holder consented (%s)", p.Consent.ID)
	}
	return id, nil
}

// pageEntries is the statement page W6 reads.
const pageEntries = 50

// pageAccounts gives each of accs at least a page of statement entries (one-centavo deposits
// through the API) and returns them.
func pageAccounts(ctx context.Context, a *api, m *meter, tenant *token, accs []account, parallel int, logf func(string, ...any)) ([]account, error) {
	ids := make([]string, len(accs))
	for i, acc := range accs {
		ids[i] = acc.ID
	}
	counts, err := m.entryCounts(ctx, ids)
	if err != nil {
		return nil, err
	}
	type job struct {
		id  string
		seq int
	}
	var todo []job
	for _, id := range ids {
		for k := counts[id]; k < pageEntries; k++ {
			todo = append(todo, job{id, k})
		}
	}
	logf("W6: %d deposits to give %d accounts a page of entries", len(todo), len(accs))
	jobs := make(chan job)
	errs := make(chan error, parallel)
	var wg sync.WaitGroup
	for w := 0; w < parallel; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				tok, err := tenant.get(ctx)
				if err == nil {
					err = deposit(ctx, a, tok, j.id, "0.01", fmt.Sprintf("lg-page-%d-%d", time.Now().UnixNano(), rand.Uint32()))
				}
				if err != nil {
					errs <- err
					for range jobs { // drain: the others stop too
					}
					return
				}
			}
		}()
	}
	for _, j := range todo {
		select {
		case jobs <- j:
		case err := <-errs:
			close(jobs)
			wg.Wait()
			return nil, err
		}
	}
	close(jobs)
	wg.Wait()
	select {
	case err := <-errs:
		return nil, err
	default:
	}
	return accs, nil
}
