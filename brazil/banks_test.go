package brazil_test

import (
	"strings"
	"testing"

	"github.com/ponte-bff/ponte/brazil"
)

func TestBanksVectors(t *testing.T) {
	v := loadPaymentVectors(t)
	for _, row := range v.Banks.Rows {
		b, ok := brazil.BankByISPB(row.ISPB)
		if !ok {
			t.Errorf("ISPB %s (%s) not found", row.ISPB, row.Name)
			continue
		}
		// The vectors annotate some names, e.g. "BCO DO ESTADO DO RS S.A.
		// (Banrisul)": the official short name must be a prefix.
		if b.Code != row.Compe || b.InCOMPE != row.ParticipaCompe ||
			!strings.HasPrefix(foldForTest(row.Name), foldForTest(b.Name)) {
			t.Errorf("ISPB %s: %+v, want code %s name %q in COMPE %v", row.ISPB, b, row.Compe, row.Name, row.ParticipaCompe)
		}
		if byCode, ok := brazil.BankByCode(row.Compe); !ok || byCode != b {
			t.Errorf("BankByCode(%s) = %+v, %v; want %+v", row.Compe, byCode, ok, b)
		}
	}
}

func TestStoneIP(t *testing.T) {
	b, ok := brazil.BankByCode("197")
	if !ok || b.ISPB != "16501555" || b.Name != "STONE IP S.A." || b.InCOMPE {
		t.Errorf("BankByCode(197) = %+v, %v; want Stone IP, ISPB 16501555, not in COMPE", b, ok)
	}
	if cfi, ok := brazil.BankByISPB("53505601"); !ok || cfi.Code != "672" {
		t.Errorf("Stone CFI: %+v, %v", cfi, ok)
	}
}

func TestBanksTable(t *testing.T) {
	all := brazil.Banks()
	if len(all) != 456 {
		t.Errorf("%d participants, want the 456 of the embedded list", len(all))
	}
	codes := map[string]bool{}
	for i, b := range all {
		if i > 0 && b.ISPB <= all[i-1].ISPB {
			t.Fatalf("not sorted by ISPB at %+v", b)
		}
		if b.Name == "" || b.FullName == "" {
			t.Errorf("%s: empty name", b.ISPB)
		}
		if b.Code != "" {
			if codes[b.Code] {
				t.Errorf("code %s used twice", b.Code)
			}
			codes[b.Code] = true
		}
	}
	// Systems without a COMPE code ("n/a" and "0" in the CSV).
	for _, ispb := range []string{"00038121", "00038166", "28719664", "54641030"} {
		if b, ok := brazil.BankByISPB(ispb); !ok || b.Code != "" {
			t.Errorf("BankByISPB(%s) = %+v, %v; want a participant without code", ispb, b, ok)
		}
	}
	if _, ok := brazil.BankByCode("0"); ok {
		t.Error(`BankByCode("0") found a bank`)
	}
	// Banks returns a copy.
	all[0].Name = "changed"
	if brazil.Banks()[0].Name == "changed" {
		t.Error("Banks exposes the shared table")
	}
}

func TestBankLookupNormalization(t *testing.T) {
	for _, c := range []struct {
		lookup func(string) (brazil.Bank, bool)
		in     string
		ispb   string // "" = not found
	}{
		{brazil.BankByCode, "1", "00000000"},
		{brazil.BankByCode, " 001 ", "00000000"},
		{brazil.BankByCode, "77", "00416968"},
		{brazil.BankByCode, "0001", ""},
		{brazil.BankByCode, "abc", ""},
		{brazil.BankByCode, "", ""},
		{brazil.BankByCode, "999", ""},
		{brazil.BankByISPB, "360305", "00360305"},
		{brazil.BankByISPB, "0", "00000000"},
		{brazil.BankByISPB, "165015550", ""},
		{brazil.BankByISPB, "16.501.555", ""},
	} {
		b, ok := c.lookup(c.in)
		if ok != (c.ispb != "") || b.ISPB != c.ispb {
			t.Errorf("lookup(%q) = %+v, %v; want ISPB %q", c.in, b, ok, c.ispb)
		}
	}
}

func TestSearchBanks(t *testing.T) {
	cases := []struct {
		query     string
		firstCode string // "" = expect no result
	}{
		{"itau", "341"},
		{"ITAÚ", "341"},
		{"bradesco", "237"},
		{"stone", "197"},
		{"197", "197"},
		{"16501555", "197"},
		{"banco do brasil", "001"},
		{"caixa", "104"},
		{"  nu   pagamentos ", "260"},
		{"crédit agricole", "222"},
		{"CREDIT AGRICOLE", "222"},
		{"1", "001"},
		{"", ""},
		{"   ", ""},
		{"no such bank xyz", ""},
	}
	for _, c := range cases {
		got := brazil.SearchBanks(c.query, 5)
		if c.firstCode == "" {
			if len(got) != 0 {
				t.Errorf("SearchBanks(%q) = %+v, want none", c.query, got)
			}
			continue
		}
		if len(got) == 0 || got[0].Code != c.firstCode {
			t.Errorf("SearchBanks(%q) = %+v, want %s first", c.query, got, c.firstCode)
		}
		if len(got) > 5 {
			t.Errorf("SearchBanks(%q, 5) returned %d", c.query, len(got))
		}
	}

	// Stone's institutions all show up, Stone IP first.
	stone := brazil.SearchBanks("stone", 0)
	seen := map[string]bool{}
	for _, b := range stone {
		seen[b.Code] = true
	}
	if !seen["197"] || !seen["672"] {
		t.Errorf("SearchBanks(stone) = %+v, want Stone IP and Stone CFI", stone)
	}
	// limit <= 0 means all matches.
	if all, five := brazil.SearchBanks("banco", 0), brazil.SearchBanks("banco", 5); len(all) <= 5 || len(five) != 5 {
		t.Errorf("limit: %d with no limit, %d with 5", len(all), len(five))
	}
}
