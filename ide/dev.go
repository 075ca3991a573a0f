package ide

// CallbackPath is where the holder login's popup comes back from the OpenID Provider (a
// development server registers it as a redirect URI of its IDE client). Mount the handler of
// [New] there too; it answers with a page that hands the code to the IDE and closes.
const CallbackPath = "/ide/callback"

// Tab is one tab GraphiQL opens with on a first visit.
type Tab struct {
	Query     string `json:"query"`
	Variables string `json:"variables,omitempty"`
}

// DemoClient is a client whose token the IDE can fetch with one button (client credentials with
// its secret). Only a development server, whose demo secrets are public, configures these.
type DemoClient struct {
	ID     string `json:"id"`
	Secret string `json:"secret"`
	Label  string `json:"label"` // the button's text
}

// Dev is what a development server adds to the IDE: demo-token buttons and a holder login.
type Dev struct {
	// TokenEndpoint is the OpenID Provider's token endpoint, an absolute path on the page's
	// own origin (the page may connect only there), e.g. "/idp/oauth/token".
	TokenEndpoint string `json:"tokenEndpoint"`
	// AuthorizeEndpoint is the provider's absolute authorization URL, opened in a popup.
	AuthorizeEndpoint string `json:"authorizeEndpoint"`
	// Clients get a "get a demo token" button each.
	Clients []DemoClient `json:"clients"`
	// HolderClientID is a public client (authorization code + PKCE) whose redirect URI is
	// RedirectURI; "" hides the holder login.
	HolderClientID string `json:"holderClientId"`
	RedirectURI    string `json:"redirectUri"` // absolute, ending in CallbackPath
	HolderScopes   string `json:"holderScopes"`
}
