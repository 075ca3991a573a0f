package devidp

// DemoExamples are the GraphQL IDE's first tabs on a development server: the README's first
// journey, one step a tab, each saying which demo token it needs (the IDE's buttons get them).
// The first is the one to run first.
func DemoExamples() []string {
	return []string{
		`# 1. Who am I? Press "demo-erp" under "Get a demo token" above, then run this (Ctrl-Enter).
#    The bar then shows the server's verdict on the token: valid, EXPIRED, UNKNOWN_KEY, ...
query WhoAmI {
  viewer { kind clientId scopes tenant { name } }
  accounts(first: 10) {
    totalCount
    nodes { id name document status bankAccount { accountCode branchCode } }
  }
}
`,
		`# 2. Open an account (token: demo-erp). It starts LAST_KYC_NOT_APPROVED,
#    with no bank account. Copy its id for step 3. A second run of the same
#    document is DUPLICATE_DOCUMENT: change the document to open another.
mutation CreateAccount {
  createAccount(input: {name: "Padaria Pão Quente", email: "financeiro@padaria.com.br",
                        document: "12.ABC.345/01DE-35", mobileNumber: "(21) 99999-8888"}) {
    account { id status documentType bankAccount { accountCode } limits { daily { amount } } }
    userErrors { field code message }
  }
}
`,
		`# 3. Approve KYC (token: demo-operator), with the id from step 2.
mutation ReviewKyc {
  reviewKyc(input: {accountId: "<id from step 2>", decision: APPROVE}) {
    account { status bankAccount { accountCode branchCode accountType institution { name ispb code } }
              limits { plan daily { amount } } }
    userErrors { field code message }
  }
}
`,
		`# 4. Ask the demo holder (CPF 390.533.447-05) for consent (token: demo-erp).
#    Open authorizationUrl in a browser, log in as holder / holder, approve.
mutation RequestConsent {
  requestConsent(input: {document: "390.533.447-05", scopes: [ACCOUNTS_READ, BALANCE_READ],
                         redirectUri: "http://localhost:3000/consent/callback", state: "my-erp-state"}) {
    consent { id status authorizationUrl expiresAt }
    userErrors { field code message }
  }
}
`,
		`# 5. After the holder approved (token: demo-erp): the holder's account is now
#    listed, with its balance.
query AfterConsent {
  accounts(first: 10) { nodes { id name document balance { available { amount } } } }
}
`,
		`# 6. What waits for the holder's approval (token: "Holder login…" as
#    holder / holder). Approve with approvePayments(input: {paymentIds: [...]}).
query PendingApprovals {
  viewer { kind }
  accounts(first: 5) {
    nodes { id name payments(first: 10, status: [CREATED]) { nodes { id status approval { status expiresAt } } } }
  }
}
`,
	}
}
