package statementexport_test

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ponte-bff/ponte/banking/ledger"
	"github.com/ponte-bff/ponte/banking/statementexport"
)

// TestOFXReadByLibofx reads the export with libofx's ofxdump (Debian's ofx package), a parser in
// C that validates the file against the OFX DTD: zero errors, every transaction with its FITID
// and type, the emoji's '?' where the description had it.
func TestOFXReadByLibofx(t *testing.T) {
	bin, err := exec.LookPath("ofxdump")
	if err != nil {
		t.Fatal("ofxdump is not installed: this test reads the OFX export with libofx. Install it " +
			"(Debian/Ubuntu: apt-get install -y ofx; macOS: brew install libofx)")
	}
	f := newFixture(t)
	raw := export(t, f, ledger.StatementFilter{}, func(w io.Writer) statementexport.Writer {
		return statementexport.NewOFX(w, statementexport.AccountOf(f.account.BankAccount), time.Date(2026, 6, 10, 12, 0, 0, 0, saoPaulo))
	})
	file := filepath.Join(t.TempDir(), "statement.ofx")
	if err := os.WriteFile(file, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, file).CombinedOutput()
	text := string(out)
	if err != nil || strings.Contains(text, "LibOFX ERROR") || strings.Contains(text, "LibOFX WARNING") {
		t.Fatalf("ofxdump: %v\n%s", err, text)
	}
	// libofx hands OpenSP the text converted to UTF-8 under an ASCII SGML declaration, so each
	// byte of an accented letter is reported at INFO level as an "ignored character error" (any
	// Brazilian bank's file gets them) and then shown right. A control character, as the 0x1A an
	// emoji used to become, would be one below 128.
	for _, m := range regexp.MustCompile(`non SGML character number (\d+)`).FindAllStringSubmatch(text, -1) {
		if n, _ := strconv.Atoi(m[1]); n < 128 {
			t.Fatalf("ofxdump finds the control character %d in the file:\n%s", n, text)
		}
	}
	if !strings.Contains(text, "(memo): Venda nº 1 ? pão & café segunda linha") || !strings.Contains(text, "Açaí & Cia <Comércio> Ltda") {
		t.Errorf("ofxdump does not read the texts back:\n%s", text)
	}
	for _, e := range f.entries {
		if !strings.Contains(text, "Financial institution's ID for this transaction: "+statementexport.Reference(e)) {
			t.Errorf("ofxdump does not show the FITID %s:\n%s", statementexport.Reference(e), text)
		}
	}
	if got := len(regexp.MustCompile(`Transaction type: FEE`).FindAllString(text, -1)); got != 1 {
		t.Errorf("%d FEE transactions, want the transfer's fee:\n%s", got, text)
	}
}
