package brazil_test

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/ponte-bff/ponte/brazil"
)

// documentSeeds is every CPF and CNPJ of testdata/brazil.json, valid (bare and masked) and
// invalid, with the published examples: the fuzzer mutates real documents.
func documentSeeds(tb testing.TB) []string {
	tb.Helper()
	raw, err := os.ReadFile("testdata/brazil.json")
	if err != nil {
		tb.Fatal(err)
	}
	var v map[string]json.RawMessage
	if err := json.Unmarshal(raw, &v); err != nil {
		tb.Fatal(err)
	}
	var out []string
	for _, key := range []string{"cpf", "cnpj_numeric", "cnpj_alphanumeric"} {
		var s vectorSet
		if err := json.Unmarshal(v[key], &s); err != nil {
			tb.Fatalf("%s: %v", key, err)
		}
		for _, c := range s.Valid {
			out = append(out, c.Raw, c.Formatted)
		}
		for _, c := range s.Invalid {
			out = append(out, c.Value)
		}
	}
	for _, p := range loadPaymentVectors(tb).Published {
		if p.Kind == "cpf" || strings.HasPrefix(p.Kind, "cnpj") {
			out = append(out, p.Value)
		}
	}
	if len(out) == 0 {
		tb.Fatal("testdata/brazil.json: no documents")
	}
	return append(out, "", " ", "...-/", "12.ABC.345/01DE-35", "12.abc.345/01de-35", "0000000000000", "ÁBC",
		"12ABC34501DE35", "12abc34501de35", "12AB@34501DE35", " / - . ", "99999999999")
}

var documentReasons = map[string]bool{
	brazil.ReasonLength: true, brazil.ReasonCharset: true, brazil.ReasonChecksum: true, brazil.ReasonRepeated: true,
}

// The parsers accept exactly the documents whose check digits verify, in one canonical form that
// their own mask parses back to; everything else is a *DocumentError with a stable reason.
func FuzzParseDocument(f *testing.F) {
	for _, s := range documentSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cpf, cpfErr := brazil.ParseCPF(s)
		checkDocument(t, "ParseCPF", s, brazil.CPF, cpf, cpfErr)
		cnpj, cnpjErr := brazil.ParseCNPJ(s)
		checkDocument(t, "ParseCNPJ", s, brazil.CNPJ, cnpj, cnpjErr)
		if cpfErr == nil && cnpjErr == nil {
			t.Fatalf("%q is both a CPF and a CNPJ", s)
		}

		doc, err := brazil.ParseDocument(s, "")
		switch {
		case cpfErr == nil:
			if err != nil || doc != cpf {
				t.Fatalf("ParseDocument(%q, \"\") = %+v, %v; ParseCPF gives %+v", s, doc, err, cpf)
			}
		case cnpjErr == nil:
			if err != nil || doc != cnpj {
				t.Fatalf("ParseDocument(%q, \"\") = %+v, %v; ParseCNPJ gives %+v", s, doc, err, cnpj)
			}
		default:
			checkDocument(t, "ParseDocument", s, "", doc, err)
		}
		for typ, want := range map[brazil.DocumentType]error{brazil.CPF: cpfErr, brazil.CNPJ: cnpjErr} {
			if _, err := brazil.ParseDocument(s, typ); (err == nil) != (want == nil) {
				t.Fatalf("ParseDocument(%q, %s) = %v, the %s parser says %v", s, typ, err, typ, want)
			}
		}
	})
}

func checkDocument(t *testing.T, fn, in string, typ brazil.DocumentType, d brazil.Document, err error) {
	t.Helper()
	if err != nil {
		var de *brazil.DocumentError
		if !errors.As(err, &de) || !documentReasons[de.Reason] || de.Message == "" {
			t.Fatalf("%s(%q): error %#v is not a DocumentError with a known reason", fn, in, err)
		}
		if d != (brazil.Document{}) {
			t.Fatalf("%s(%q): error %v with a document %+v", fn, in, err, d)
		}
		return
	}
	n := d.Number
	if d.Type != typ || n != d.String() {
		t.Fatalf("%s(%q) = %+v", fn, in, d)
	}
	switch typ {
	case brazil.CPF:
		if len(n) != 11 || strings.Trim(n, "0123456789") != "" {
			t.Fatalf("%s(%q): number %q is not 11 digits", fn, in, n)
		}
		if n[9:] != dv(n[:9], []int{10, 9, 8, 7, 6, 5, 4, 3, 2}, []int{11, 10, 9, 8, 7, 6, 5, 4, 3, 2}) {
			t.Fatalf("%s(%q): check digits of %q do not verify", fn, in, n)
		}
	case brazil.CNPJ:
		if len(n) != 14 || strings.Trim(n[:12], "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" ||
			strings.Trim(n[12:], "0123456789") != "" {
			t.Fatalf("%s(%q): number %q is not 12 of [0-9A-Z] and 2 digits", fn, in, n)
		}
		if n[12:] != dv(n[:12], []int{5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2}, []int{6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2}) {
			t.Fatalf("%s(%q): check digits of %q do not verify", fn, in, n)
		}
	}
	if strings.Count(n, n[:1]) == len(n) {
		t.Fatalf("%s(%q): accepted %q, all characters equal", fn, in, n)
	}
	// Canonical: the bare number and the printed mask parse to the same document.
	for _, s := range []string{n, d.Formatted(), " " + d.Formatted() + "\t"} {
		if back, err := brazil.ParseDocument(s, typ); err != nil || back != d {
			t.Fatalf("%s(%q) = %+v, but %q parses to %+v, %v", fn, in, d, s, back, err)
		}
	}
}

// dv computes the two mod-11 check digits of a document body independently of the package:
// characters are valued ASCII-48 ('A' = 17), as IN RFB 2.229/2024 defines for the CNPJ.
func dv(body string, w1, w2 []int) string {
	digit := func(s string, w []int) byte {
		sum := 0
		for i, c := range []byte(s) {
			sum += int(c-48) * w[i]
		}
		if r := sum % 11; r >= 2 {
			return byte('0' + 11 - r)
		}
		return '0'
	}
	d1 := digit(body, w1)
	return string([]byte{d1, digit(body+string(d1), w2)})
}
