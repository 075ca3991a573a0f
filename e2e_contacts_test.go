package main

import (
	"encoding/json"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ponte-bff/ponte/banking/accounts"
)

const contactFields = `contact { id name document documentType email mobileNumber createdAt updatedAt
	bankAccounts { id accountCode branchCode accountType isPonte institution { name ispb code } } }
	userErrors { field code message }`

type contactOut struct {
	ID, Name, Document, DocumentType string
	Email, MobileNumber              *string
	CreatedAt, UpdatedAt             string
	BankAccounts                     []struct {
		ID, AccountCode string
		BranchCode      *string
		AccountType     *string
		IsPonte         bool
		Institution     struct{ Name, Ispb, Code string }
	}
}

type contactPayload struct {
	Contact    *contactOut
	UserErrors []userError
}

// contactMutation runs one of the contact mutations with input and returns its payload, failing
// on GraphQL errors.
func contactMutation(t *testing.T, s *testServer, token, name string, input map[string]any) contactPayload {
	t.Helper()
	inputType := strings.ToUpper(name[:1]) + name[1:] + "Input"
	r := gql(t, s, token, `mutation($in: `+inputType+`!) { `+name+`(input: $in) { `+contactFields+` } }`, map[string]any{"in": input})
	if len(r.Errors) > 0 {
		t.Fatalf("%s: %+v", name, r.Errors)
	}
	var p contactPayload
	r.decode(t, name, &p)
	return p
}

// createContact creates a contact and fails unless it was created.
func createContact(t *testing.T, s *testServer, token string, input map[string]any) contactOut {
	t.Helper()
	p := contactMutation(t, s, token, "createContact", input)
	if p.Contact == nil {
		t.Fatalf("createContact: %+v", p.UserErrors)
	}
	return *p.Contact
}

// searchContacts returns the names of the account's contacts that search finds.
func searchContacts(t *testing.T, s *testServer, token, accountID, search string) []string {
	t.Helper()
	var a struct {
		Contacts struct{ Nodes []struct{ Name string } }
	}
	gql(t, s, token, `query($id: ID!, $q: String) { account(id: $id) { contacts(first: 100, search: $q) { nodes { name } } } }`,
		map[string]any{"id": accountID, "q": search}).decode(t, "account", &a)
	var names []string
	for _, n := range a.Contacts.Nodes {
		names = append(names, n.Name)
	}
	return names
}

// wantUserErrors fails unless errs are exactly want (field path joined by "." and code), in any order.
func wantUserErrors(t *testing.T, what string, errs []userError, want ...string) {
	t.Helper()
	var got []string
	for _, e := range errs {
		got = append(got, strings.Join(e.Field, ".")+" "+e.Code)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("%s: userErrors %v, want %v (%+v)", what, got, want, errs)
	}
}

// badCheckDigit is a Ponte account code with its check digit changed.
func badCheckDigit(code string) string {
	d, _ := strconv.Atoi(code[len(code)-1:])
	return code[:len(code)-1] + strconv.Itoa((d+1)%10)
}

const paymentTarget = `payment { id kind status target { name document institution { name ispb code } branchCode accountCode accountType } }
	userErrors { field code message }`

type targetPayload struct {
	Payment *struct {
		ID, Kind, Status string
		Target           json.RawMessage
	}
	UserErrors []userError
}

// pay runs createTedTransfer or createInternalTransfer (field) with input on accountID.
func pay(t *testing.T, s *testServer, token, field string, input map[string]any) targetPayload {
	t.Helper()
	inputType := map[string]string{"createTedTransfer": "CreateTedTransferInput", "createInternalTransfer": "CreateInternalTransferInput"}[field]
	r := gql(t, s, token, `mutation($in: `+inputType+`!) { `+field+`(input: $in) { `+paymentTarget+` } }`, map[string]any{"in": input})
	if len(r.Errors) > 0 {
		t.Fatalf("%s: %+v", field, r.Errors)
	}
	var p targetPayload
	r.decode(t, field, &p)
	return p
}

func countRows(t *testing.T, s *testServer, query string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := s.db.Raw(query, args...).Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// TestContacts runs the contacts of issue 14 over HTTP: the CRUD, search, duplicates and invalid
// input refused with their field paths, payments by contactBankAccountId that keep their targets
// whatever later happens to the contact, saveAsContact, the event log, and who may do it.
func TestContacts(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)
	tok := tenantToken(t, s)
	vec := vectors(t)
	cpfs, cnpjs := vec["cpf"].Valid, vec["cnpj_numeric"].Valid
	acc := approvedAccount(t, s, tok, cnpjs[2].Raw)
	ponteCode := accounts.AccountCode(1234567)
	itau := map[string]any{"bankCode": "341", "branchCode": "1", "accountCode": "56789-0", "accountType": "CC"}

	maria := createContact(t, s, tok, map[string]any{"accountId": acc, "name": " Maria   Fornecedora ", "document": cpfs[1].Formatted,
		"email": "maria@Example.COM", "mobileNumber": "(21) 99999-8888",
		"bankAccounts": []any{itau, map[string]any{"bankCode": "197", "accountCode": ponteCode}}})
	t.Run("Create", func(t *testing.T) {
		if maria.Name != "Maria Fornecedora" || maria.Document != cpfs[1].Raw || maria.DocumentType != "CPF" ||
			deref(maria.Email) != "maria@example.com" || deref(maria.MobileNumber) != "+5521999998888" || len(maria.BankAccounts) != 2 {
			t.Fatalf("created %+v", maria)
		}
		b, p := maria.BankAccounts[0], maria.BankAccounts[1]
		if b.IsPonte || b.Institution.Code != "341" || b.Institution.Ispb != "60701190" || deref(b.BranchCode) != "0001" || b.AccountCode != "567890" || deref(b.AccountType) != "CC" {
			t.Fatalf("Itaú bank account %+v", b)
		}
		if !p.IsPonte || p.Institution.Ispb != "16501555" || p.Institution.Code != "197" || p.BranchCode != nil || p.AccountType != nil || p.AccountCode != ponteCode {
			t.Fatalf("Ponte payee %+v", p)
		}
		var got contactOut
		gql(t, s, tok, `query($id: ID!) { contact(id: $id) { id name document documentType email mobileNumber createdAt updatedAt
			bankAccounts { id accountCode branchCode accountType isPonte institution { name ispb code } } } }`, map[string]any{"id": maria.ID}).decode(t, "contact", &got)
		if a, b := mustJSON(t, got), mustJSON(t, maria); a != b {
			t.Fatalf("contact(id) %s, created %s", a, b)
		}
		var node struct{ Name, AccountCode string }
		gql(t, s, tok, `query($id: ID!) { node(id: $id) { ... on Contact { name } } }`, map[string]any{"id": maria.ID}).decode(t, "node", &node)
		gql(t, s, tok, `query($id: ID!) { node(id: $id) { ... on ContactBankAccount { accountCode } } }`, map[string]any{"id": maria.BankAccounts[1].ID}).decode(t, "node", &node)
		if node.Name != "Maria Fornecedora" || node.AccountCode != ponteCode {
			t.Fatalf("node: %+v", node)
		}
	})

	other := createContact(t, s, tok, map[string]any{"accountId": acc, "name": "Papelaria Central", "document": cnpjs[0].Raw,
		"bankAccounts": []any{map[string]any{"ispb": "00000000", "branchCode": "4321", "accountCode": "777"}}})
	t.Run("Search", func(t *testing.T) {
		for search, want := range map[string][]string{
			"":                {"Papelaria Central", "Maria Fornecedora"}, // newest first
			"maria":           {"Maria Fornecedora"},
			cpfs[1].Raw[:6]:   {"Maria Fornecedora"},
			cpfs[1].Formatted: {"Maria Fornecedora"},
			ponteCode:         {"Maria Fornecedora"},
			"341":             {"Maria Fornecedora"},
			"00000000":        {"Papelaria Central"},
			"do brasil":       {"Papelaria Central"},
			"777":             {"Papelaria Central"},
			"ninguém":         nil,
			"%":               nil,
		} {
			if got := searchContacts(t, s, tok, acc, search); !slices.Equal(got, want) {
				t.Errorf("search %q: %v, want %v", search, got, want)
			}
		}
	})

	t.Run("UpdateAndBankAccounts", func(t *testing.T) {
		p := contactMutation(t, s, tok, "updateContact", map[string]any{"contactId": maria.ID, "name": "Maria Fornecedora ME", "email": ""})
		if p.Contact == nil || p.Contact.Name != "Maria Fornecedora ME" || p.Contact.Email != nil || deref(p.Contact.MobileNumber) != "+5521999998888" ||
			p.Contact.Document != cpfs[1].Raw || len(p.Contact.BankAccounts) != 2 || p.Contact.UpdatedAt == maria.UpdatedAt {
			t.Fatalf("updateContact: %+v", p)
		}
		bb := map[string]any{"bankCode": "001", "branchCode": "1234", "accountCode": "99-1"}
		p = contactMutation(t, s, tok, "addContactBankAccount", map[string]any{"contactId": maria.ID, "bankAccount": bb})
		if p.Contact == nil || len(p.Contact.BankAccounts) != 3 || p.Contact.BankAccounts[2].Institution.Code != "001" {
			t.Fatalf("addContactBankAccount: %+v", p)
		}
		added := p.Contact.BankAccounts[2].ID
		p = contactMutation(t, s, tok, "addContactBankAccount", map[string]any{"contactId": maria.ID,
			"bankAccount": map[string]any{"ispb": "00000000", "bankCode": "001", "branchCode": "1234", "accountCode": "991"}})
		wantUserErrors(t, "the same bank account again", p.UserErrors, "input.bankAccount DUPLICATE_BANK_ACCOUNT")
		p = contactMutation(t, s, tok, "removeContactBankAccount", map[string]any{"contactBankAccountId": added})
		if p.Contact == nil || len(p.Contact.BankAccounts) != 2 || slices.ContainsFunc(p.Contact.BankAccounts, func(b struct {
			ID, AccountCode string
			BranchCode      *string
			AccountType     *string
			IsPonte         bool
			Institution     struct{ Name, Ispb, Code string }
		}) bool {
			return b.ID == added
		}) {
			t.Fatalf("removeContactBankAccount: %+v", p)
		}
		if r := gql(t, s, tok, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": added}); r.code() != "FORBIDDEN" {
			t.Fatalf("a removed bank account: %+v", r.Errors)
		}
	})

	t.Run("DuplicatesRefused", func(t *testing.T) {
		p := contactMutation(t, s, tok, "createContact", map[string]any{"accountId": acc, "name": "Maria de Novo", "document": cpfs[1].Raw})
		wantUserErrors(t, "a second contact with the document", p.UserErrors, "input.document DUPLICATE_DOCUMENT")
		p = contactMutation(t, s, tok, "createContact", map[string]any{"accountId": acc, "name": "Duas Vezes", "document": cpfs[2].Raw,
			"bankAccounts": []any{itau, map[string]any{"bankCode": "341", "branchCode": "0001", "accountCode": "567890"}}})
		wantUserErrors(t, "one bank account twice", p.UserErrors, "input.bankAccounts.1 DUPLICATE_BANK_ACCOUNT")
		p = contactMutation(t, s, tok, "updateContact", map[string]any{"contactId": other.ID, "document": cpfs[1].Formatted})
		wantUserErrors(t, "another contact's document", p.UserErrors, "input.document DUPLICATE_DOCUMENT")
		if n := countRows(t, s, "SELECT count(*) FROM contacts"); n != 2 {
			t.Fatalf("%d contacts after refusals, want 2", n)
		}
	})

	t.Run("InvalidRefusedWithFieldPaths", func(t *testing.T) {
		p := contactMutation(t, s, tok, "createContact", map[string]any{"accountId": acc, "name": "", "document": "123.456.789-00",
			"email": "not-an-email", "mobileNumber": "21 3333-4444",
			"bankAccounts": []any{
				map[string]any{"bankCode": "999", "branchCode": "1", "accountCode": "1"},
				map[string]any{"bankCode": "341", "branchCode": "12345", "accountCode": "abc", "accountType": "PP"},
				map[string]any{"accountCode": badCheckDigit(ponteCode)},
				map[string]any{"ispb": "16501555", "branchCode": "0001", "accountCode": ponteCode},
				map[string]any{"ispb": "60701190", "bankCode": "001", "branchCode": "1", "accountCode": "1"},
			}})
		wantUserErrors(t, "invalid contact", p.UserErrors, "input.name REQUIRED", "input.document INVALID_DOCUMENT", "input.email INVALID",
			"input.mobileNumber INVALID", "input.bankAccounts.0.bankCode INVALID", "input.bankAccounts.1.branchCode INVALID",
			"input.bankAccounts.1.accountCode INVALID", "input.bankAccounts.2.accountCode INVALID", "input.bankAccounts.3.branchCode INVALID",
			"input.bankAccounts.4.bankCode INVALID")
		p = contactMutation(t, s, tok, "addContactBankAccount", map[string]any{"contactId": other.ID, "bankAccount": map[string]any{"bankCode": "341", "accountCode": "1"}})
		wantUserErrors(t, "a bank account without branch", p.UserErrors, "input.bankAccount.branchCode INVALID")
		if n := countRows(t, s, "SELECT count(*) FROM contacts"); n != 2 {
			t.Fatalf("%d contacts after refusals, want 2", n)
		}
	})

	t.Run("TedByContactKeepsItsTarget", func(t *testing.T) {
		itauID, ponteID := maria.BankAccounts[0].ID, maria.BankAccounts[1].ID
		ted := pay(t, s, tok, "createTedTransfer", map[string]any{"accountId": acc, "contactBankAccountId": itauID, "amount": "10.00", "idempotencyKey": "ted-by-contact"})
		if ted.Payment == nil || ted.Payment.Kind != "TED" {
			t.Fatalf("TED by contact: %+v", ted)
		}
		want := `{"name":"Maria Fornecedora ME","document":"` + cpfs[1].Raw + `","institution":{"name":"ITAÚ UNIBANCO S.A.","ispb":"60701190","code":"341"},"branchCode":"0001","accountCode":"567890","accountType":"CC"}`
		if string(ted.Payment.Target) != want {
			t.Fatalf("TED target %s, want %s", ted.Payment.Target, want)
		}
		internal := pay(t, s, tok, "createInternalTransfer", map[string]any{"accountId": acc, "contactBankAccountId": ponteID, "amount": "1.00", "idempotencyKey": "internal-by-contact"})
		if internal.Payment == nil || internal.Payment.Kind != "INTERNAL_TRANSFER" || !strings.Contains(string(internal.Payment.Target), `"accountCode":"`+ponteCode+`"`) {
			t.Fatalf("internal transfer by contact: %+v", internal)
		}

		// The contact changes in every way it can: the payment keeps the target it was made with.
		if p := contactMutation(t, s, tok, "updateContact", map[string]any{"contactId": maria.ID, "name": "Outra Pessoa", "document": cpfs[3].Raw}); p.Contact == nil {
			t.Fatalf("update: %+v", p.UserErrors)
		}
		// A retry after the edit is the same request (its fingerprint covers the contact's bank
		// account, not what it resolved to): the same payment, not IDEMPOTENCY_KEY_REUSED.
		if again := pay(t, s, tok, "createTedTransfer", map[string]any{"accountId": acc, "contactBankAccountId": itauID, "amount": "10.00", "idempotencyKey": "ted-by-contact"}); again.Payment == nil || again.Payment.ID != ted.Payment.ID {
			t.Fatalf("a retry after the contact changed: %+v", again)
		}
		if p := contactMutation(t, s, tok, "removeContactBankAccount", map[string]any{"contactBankAccountId": itauID}); p.Contact == nil {
			t.Fatalf("remove: %+v", p.UserErrors)
		}
		var after struct{ Target json.RawMessage }
		gql(t, s, tok, `query($id: ID!) { payment(id: $id) { target { name document institution { name ispb code } branchCode accountCode accountType } } }`,
			map[string]any{"id": ted.Payment.ID}).decode(t, "payment", &after)
		if string(after.Target) != want {
			t.Fatalf("after the contact changed, the TED's target is %s, want %s", after.Target, want)
		}
		// The same key and the same contact bank account, now gone: the payment stands as it was.
		if again := pay(t, s, tok, "createTedTransfer", map[string]any{"accountId": acc, "contactBankAccountId": itauID, "amount": "10.00", "idempotencyKey": "ted-by-contact"}); again.Payment != nil {
			t.Fatalf("a removed contact bank account still pays: %+v", again)
		}

		for name, c := range map[string]struct {
			field string
			input map[string]any
			want  string
		}{
			"TedToPontePayee":     {"createTedTransfer", map[string]any{"contactBankAccountId": ponteID}, "input.contactBankAccountId INVALID"},
			"InternalToOtherBank": {"createInternalTransfer", map[string]any{"contactBankAccountId": other.BankAccounts[0].ID}, "input.contactBankAccountId INVALID"},
			"TedTargetAndContact": {"createTedTransfer", map[string]any{"contactBankAccountId": other.BankAccounts[0].ID, "target": map[string]any{"bankCode": "341", "branchCode": "1", "accountCode": "2", "name": "X", "document": cnpjs[0].Raw}}, "input.contactBankAccountId INVALID"},
			"TedWithoutTarget":    {"createTedTransfer", map[string]any{}, "input.target REQUIRED"},
			"InternalWithoutCode": {"createInternalTransfer", map[string]any{}, "input.targetAccountCode REQUIRED"},
			"NotABankAccountID":   {"createTedTransfer", map[string]any{"contactBankAccountId": maria.ID}, "input.contactBankAccountId INVALID"},
		} {
			c.input["accountId"], c.input["amount"], c.input["idempotencyKey"] = acc, "1.00", "refused-"+name
			p := pay(t, s, tok, c.field, c.input)
			if p.Payment != nil {
				t.Fatalf("%s: paid %+v", name, p.Payment)
			}
			wantUserErrors(t, name, p.UserErrors, c.want)
		}

		// Another account's contact is no payee of this one, and looks like a missing one.
		acc2 := approvedAccount(t, s, tok, cnpjs[3].Raw)
		theirs := createContact(t, s, tok, map[string]any{"accountId": acc2, "name": "Deles", "document": cpfs[4].Raw, "bankAccounts": []any{itau}})
		p := pay(t, s, tok, "createTedTransfer", map[string]any{"accountId": acc, "contactBankAccountId": theirs.BankAccounts[0].ID, "amount": "1.00", "idempotencyKey": "theirs"})
		wantUserErrors(t, "another account's contact", p.UserErrors, "input.contactBankAccountId NOT_FOUND")
		if n := countRows(t, s, "SELECT count(*) FROM payments WHERE idempotency_key LIKE 'refused-%' OR idempotency_key = 'theirs'"); n != 0 {
			t.Fatalf("%d refused payments were created", n)
		}
	})

	t.Run("SaveAsContact", func(t *testing.T) {
		target := map[string]any{"bankCode": "237", "branchCode": "12", "accountCode": "4455-6", "name": "Oficina Mecânica", "document": cnpjs[1].Formatted}
		for i, key := range []string{"save-1", "save-2"} { // the second time: nothing new to save
			p := pay(t, s, tok, "createTedTransfer", map[string]any{"accountId": acc, "target": target, "amount": "5.00", "idempotencyKey": key, "saveAsContact": true})
			if p.Payment == nil {
				t.Fatalf("TED %d with saveAsContact: %+v", i, p.UserErrors)
			}
		}
		if got := searchContacts(t, s, tok, acc, cnpjs[1].Raw); !slices.Equal(got, []string{"Oficina Mecânica"}) {
			t.Fatalf("saved contacts %v", got)
		}
		if n := countRows(t, s, "SELECT count(*) FROM contact_bank_accounts b JOIN contacts c ON c.id = b.contact_id WHERE c.document = ?", cnpjs[1].Raw); n != 1 {
			t.Fatalf("%d bank accounts saved for the payee, want 1", n)
		}

		// A Ponte payee: the payer names it, since Ponte never says who holds a code.
		in := map[string]any{"accountId": acc, "targetAccountCode": accounts.AccountCode(7654321), "amount": "1.00", "idempotencyKey": "save-internal", "saveAsContact": true}
		p := pay(t, s, tok, "createInternalTransfer", in)
		wantUserErrors(t, "saveAsContact without the payee's name", p.UserErrors, "input.contactName REQUIRED", "input.contactDocument INVALID_DOCUMENT")
		if n := countRows(t, s, "SELECT count(*) FROM payments WHERE idempotency_key = 'save-internal'"); n != 0 {
			t.Fatal("a refused saveAsContact created its payment")
		}
		in["contactName"], in["contactDocument"] = "Oficina Mecânica", cnpjs[1].Raw // the same payee, now at Ponte too
		if p := pay(t, s, tok, "createInternalTransfer", in); p.Payment == nil {
			t.Fatalf("internal transfer with saveAsContact: %+v", p.UserErrors)
		}
		var c struct {
			Contacts struct {
				Nodes []struct {
					BankAccounts []struct {
						AccountCode string
						IsPonte     bool
					}
				}
			}
		}
		gql(t, s, tok, `query($id: ID!, $q: String) { account(id: $id) { contacts(search: $q) { nodes { bankAccounts { accountCode isPonte } } } } }`,
			map[string]any{"id": acc, "q": cnpjs[1].Raw}).decode(t, "account", &c)
		if len(c.Contacts.Nodes) != 1 || len(c.Contacts.Nodes[0].BankAccounts) != 2 || !c.Contacts.Nodes[0].BankAccounts[1].IsPonte {
			t.Fatalf("the payee after an internal transfer saved it: %+v", c)
		}
	})

	t.Run("Events", func(t *testing.T) {
		var rows []struct{ Name, Actor, ToStatus string }
		s.db.Raw(`SELECT e.name, e.actor, e.to_status FROM events e JOIN contacts c ON c.id = e.contact_id WHERE c.document = ? ORDER BY e.id`, cnpjs[1].Raw).Scan(&rows)
		if len(rows) != 2 || rows[0].Name != "contact_created" || rows[1].Name != "contact_updated" || rows[0].Actor != "tenant:demo-erp" {
			t.Fatalf("events of the saved payee: %+v", rows)
		}
	})

	t.Run("Delete", func(t *testing.T) {
		p := contactMutation(t, s, tok, "deleteContact", map[string]any{"contactId": other.ID})
		if p.Contact == nil || p.Contact.Name != "Papelaria Central" {
			t.Fatalf("deleteContact: %+v", p)
		}
		if r := gql(t, s, tok, `query($id: ID!) { contact(id: $id) { id } }`, map[string]any{"id": other.ID}); r.code() != "FORBIDDEN" {
			t.Fatalf("a deleted contact: %+v", r.Errors)
		}
		if r := gql(t, s, tok, `mutation($id: ID!) { deleteContact(input: {contactId: $id}) { contact { id } } }`, map[string]any{"id": other.ID}); r.code() != "FORBIDDEN" {
			t.Fatalf("deleting it again: %+v", r.Errors)
		}
		var names []string
		s.db.Raw(`SELECT name FROM events WHERE contact_id = (SELECT contact_id FROM events WHERE name = 'contact_deleted' LIMIT 1) ORDER BY id`).Scan(&names)
		if len(names) == 0 || names[0] != "contact_created" || names[len(names)-1] != "contact_deleted" {
			t.Fatalf("events of the deleted contact: %v", names)
		}
	})

	t.Run("ForbiddenWithoutContactsManage", func(t *testing.T) {
		narrow := scopedToken(t, s, "demo-erp", "demo-erp-secret", []string{"accounts:read", "payments:read", "payments:initiate"})
		for name, q := range map[string]struct {
			query string
			vars  map[string]any
		}{
			"contacts":      {`query($id: ID!) { account(id: $id) { contacts { nodes { id } } } }`, map[string]any{"id": acc}},
			"contact":       {`query($id: ID!) { contact(id: $id) { id name } }`, map[string]any{"id": maria.ID}},
			"createContact": {`mutation($id: ID!) { createContact(input: {accountId: $id, name: "X", document: "` + cpfs[5].Raw + `"}) { contact { id } } }`, map[string]any{"id": acc}},
			"updateContact": {`mutation($id: ID!) { updateContact(input: {contactId: $id, name: "X"}) { contact { id } } }`, map[string]any{"id": maria.ID}},
			"saveAsContact": {`mutation($id: ID!) { createTedTransfer(input: {accountId: $id, target: {bankCode: "341", branchCode: "1", accountCode: "2", name: "X", document: "` + cpfs[5].Raw + `"}, amount: "1.00", idempotencyKey: "narrow-save", saveAsContact: true}) { payment { id } } }`, map[string]any{"id": acc}},
		} {
			if r := gql(t, s, narrow, q.query, q.vars); r.code() != "FORBIDDEN" || strings.Contains(string(r.Data["account"]), "Maria") || strings.Contains(string(r.Data["contact"]), "Maria") {
				t.Errorf("%s without contacts:manage: %s %+v", name, r.Data, r.Errors)
			}
		}
		if n := countRows(t, s, "SELECT count(*) FROM payments WHERE idempotency_key = 'narrow-save'"); n != 0 {
			t.Fatal("a refused saveAsContact created its payment")
		}
		// Paying a contact needs what paying needs: payments:initiate.
		if p := pay(t, s, narrow, "createInternalTransfer", map[string]any{"accountId": acc, "contactBankAccountId": maria.BankAccounts[1].ID, "amount": "1.00", "idempotencyKey": "narrow-pay"}); p.Payment == nil {
			t.Fatalf("paying a contact without contacts:manage: %+v", p.UserErrors)
		}
		// Another tenant: the same refusal for a contact as for one that does not exist.
		tok2 := tenant2Token(t, s)
		theirs := gql(t, s, tok2, `query($id: ID!) { contact(id: $id) { id } }`, map[string]any{"id": maria.ID})
		missing := gql(t, s, tok2, `query($id: ID!) { contact(id: $id) { id } }`, map[string]any{"id": other.ID})
		if theirs.code() != "FORBIDDEN" || missing.code() != "FORBIDDEN" || theirs.Errors[0].Message != missing.Errors[0].Message {
			t.Fatalf("another tenant: %+v vs %+v", theirs.Errors, missing.Errors)
		}
	})
}

// TestContactWebhooks: an ERP's endpoint that filters on contact events receives them, signed.
func TestContactWebhooks(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)
	tok := tenantToken(t, s)
	recv := &erpReceiver{}
	srv := httptest.NewServer(recv)
	defer srv.Close()
	var created struct {
		Secret     string
		UserErrors []userError
	}
	gql(t, s, tok, `mutation($url: String!) { createWebhookEndpoint(input: {url: $url, events: ["contact_created", "contact_deleted"]}) { secret userErrors { code message } } }`,
		map[string]any{"url": srv.URL + "/hooks"}).decode(t, "createWebhookEndpoint", &created)
	if created.Secret == "" || len(created.UserErrors) > 0 {
		t.Fatalf("%+v", created)
	}
	recv.mu.Lock()
	recv.secret = created.Secret
	recv.mu.Unlock()
	acc := approvedAccount(t, s, tok, vectors(t)["cnpj_numeric"].Valid[4].Raw)
	c := createContact(t, s, tok, map[string]any{"accountId": acc, "name": "Maria", "document": vectors(t)["cpf"].Valid[1].Raw})
	contactMutation(t, s, tok, "updateContact", map[string]any{"contactId": c.ID, "name": "Maria Silva"}) // not in the filter
	if p := contactMutation(t, s, tok, "deleteContact", map[string]any{"contactId": c.ID}); p.Contact == nil {
		t.Fatalf("deleteContact: %+v", p.UserErrors)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		recv.mu.Lock()
		got := slices.Sorted(slices.Values(recv.types)) // each delivery is its own job: any order
		recv.mu.Unlock()
		if len(got) >= 2 || time.Now().After(deadline) {
			if !slices.Equal(got, []string{"contact_created", "contact_deleted"}) || recv.badSig != 0 {
				t.Fatalf("received %v, %d bad signatures", got, recv.badSig)
			}
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	var deliveries struct {
		Nodes []struct{ EventName, Status string }
	}
	gql(t, s, tok, `{ webhookDeliveries { nodes { eventName status } } }`, nil).decode(t, "webhookDeliveries", &deliveries)
	if len(deliveries.Nodes) != 2 {
		t.Fatalf("deliveries %+v", deliveries)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
