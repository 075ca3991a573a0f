package main

import (
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestBoletoPDF: the slip at a boleto's pdfUrl is the FEBRABAN layout an ERP emails to its
// customer; read back with pdftotext it carries the typed line, the amount, the due date and both
// parties. It is served to whoever may read the boleto (boleto(id)'s judgement) and to no one else.
func TestBoletoPDF(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatal("pdftotext is not installed (Debian's poppler-utils; .ci/run installs it)")
	}
	s := startServer(t, map[string]string{"PONTE_BOLETO_REGISTRY_DELAY": "0s"})
	tokA, tokB := tenantToken(t, s), tenant2Token(t, s)
	a := approvedAccount(t, s, tokA, vectors(t)["cnpj_numeric"].Valid[15].Raw)
	due := time.Now().In(brazilZone()).AddDate(0, 0, 12)
	p := issueBoleto(t, s, tokA, map[string]any{"accountId": a, "kind": "COBRANCA", "amount": "1234.56", "dueDate": due.Format(time.DateOnly),
		"limitDate": due.AddDate(0, 0, 30).Format(time.DateOnly), "description": "Mensalidade de dezembro",
		"customer": map[string]any{"name": "Padaria Pão Quente", "document": vectors(t)["cnpj_numeric"].Valid[16].Raw},
		"fine":     map[string]any{"rate": "2.00"}, "idempotencyKey": "pdf-1"})
	if p.Boleto == nil {
		t.Fatalf("issueBoleto: %+v", p.UserErrors)
	}
	b := p.Boleto
	if b.Beneficiary.Name == "" || len(b.TypedLine) != 47 {
		t.Fatalf("issued boleto: %+v", b)
	}

	resp := getWithToken(t, s.URL+b.PdfURL, tokA)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("GET %s: %d %s %.200s", b.PdfURL, resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	file := filepath.Join(t.TempDir(), "boleto.pdf")
	if err := os.WriteFile(file, body, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", file, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	text := strings.Join(strings.Fields(string(out)), " ")
	l := b.TypedLine
	typed := l[0:5] + "." + l[5:10] + " " + l[10:15] + "." + l[15:21] + " " + l[21:26] + "." + l[26:32] + " " + l[32:33] + " " + l[33:47]
	for _, want := range []string{typed, "1.234,56", due.Format("02/01/2006"), "Padaria Pão Quente", b.Beneficiary.Name} {
		if !strings.Contains(text, want) {
			t.Errorf("the slip's text lacks %q:\n%s", want, text)
		}
	}

	for _, c := range []struct {
		name, path, token string
		status            int
	}{
		{"another tenant", b.PdfURL, tokB, http.StatusForbidden},
		{"no token", b.PdfURL, "", http.StatusUnauthorized},
		{"not a boleto id", "/boletos/" + a + ".pdf", tokA, http.StatusBadRequest},
		{"not a pdf", "/boletos/" + b.ID + ".png", tokA, http.StatusBadRequest},
	} {
		resp := getWithToken(t, s.URL+c.path, c.token)
		resp.Body.Close()
		if resp.StatusCode != c.status {
			t.Errorf("%s: GET %s answered %d, want %d", c.name, c.path, resp.StatusCode, c.status)
		}
	}
}
