package brazil

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// DocumentType names a Brazilian taxpayer document.
type DocumentType string

// The document types Ponte accepts on account opening.
const (
	CPF  DocumentType = "CPF"  // Cadastro de Pessoas Físicas (individuals)
	CNPJ DocumentType = "CNPJ" // Cadastro Nacional da Pessoa Jurídica (companies)
)

const (
	cpfLen  = 11
	cnpjLen = 14
)

// Document is a validated CPF or CNPJ. Number is the canonical form stored
// and compared everywhere: 11 digits for a CPF, 14 characters of [0-9A-Z]
// for a CNPJ, never masked.
type Document struct {
	Type   DocumentType
	Number string
}

// Stable reasons carried by DocumentError (and MobileError where they
// apply). Callers branch on these; the messages may change.
const (
	ReasonLength   = "length"   // wrong number of characters once the mask is removed
	ReasonCharset  = "charset"  // a character the document cannot contain
	ReasonChecksum = "checksum" // check digits do not match
	ReasonRepeated = "repeated" // all digits equal: passes (or nearly) mod 11 but is never issued
	ReasonType     = "type"     // unknown DocumentType passed by the caller
)

// DocumentError explains why a document was rejected. Reason is one of the
// Reason* constants and is what code should test; Message is for people.
type DocumentError struct {
	Reason  string
	Message string
}

func (e *DocumentError) Error() string { return e.Message }

func docErr(reason, format string, args ...any) error {
	return &DocumentError{Reason: reason, Message: fmt.Sprintf(format, args...)}
}

// ParseCPF validates a CPF given bare ("24843803480") or masked
// ("248.438.034-80").
func ParseCPF(s string) (Document, error) {
	n := stripMask(s, ".-")
	if err := checkAlphabet("CPF", n, false); err != nil {
		return Document{}, err
	}
	if len(n) != cpfLen {
		return Document{}, docErr(ReasonLength, "CPF must have %d digits, got %d", cpfLen, len(n))
	}
	if allSame(n) {
		return Document{}, docErr(ReasonRepeated, "CPF with all digits equal is not valid")
	}
	dv1 := mod11(n[:9], []int{10, 9, 8, 7, 6, 5, 4, 3, 2})
	dv2 := mod11(n[:10], []int{11, 10, 9, 8, 7, 6, 5, 4, 3, 2})
	if int(n[9]-'0') != dv1 || int(n[10]-'0') != dv2 {
		return Document{}, docErr(ReasonChecksum, "CPF check digits do not match")
	}
	return Document{Type: CPF, Number: n}, nil
}

// ParseCNPJ validates a CNPJ, numeric ("11.222.333/0001-81") or
// alphanumeric ("12.ABC.345/01DE-35", IN RFB 2.229/2024, issued from July
// 2026): 12 characters of [0-9A-Z] followed by two numeric check digits.
//
// Lowercase letters are rejected rather than upper-cased: Receita Federal
// defines the alphabet as uppercase only, and silently rewriting input would
// let "l" (ell) pass for "1" in a typo-prone field.
func ParseCNPJ(s string) (Document, error) {
	n := stripMask(s, ".-/")
	// The charset is checked before computing: the DV formula values a
	// character as ASCII-48, which would happily give '@' the value 16.
	if err := checkAlphabet("CNPJ", n, true); err != nil {
		return Document{}, err
	}
	if len(n) != cnpjLen {
		return Document{}, docErr(ReasonLength, "CNPJ must have %d characters, got %d", cnpjLen, len(n))
	}
	if !isDigit(rune(n[12])) || !isDigit(rune(n[13])) {
		return Document{}, docErr(ReasonCharset, "CNPJ check digits (last two characters) must be digits")
	}
	if allSame(n) {
		return Document{}, docErr(ReasonRepeated, "CNPJ with all digits equal is not valid")
	}
	dv1 := mod11(n[:12], []int{5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2})
	dv2 := mod11(n[:13], []int{6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2})
	if int(n[12]-'0') != dv1 || int(n[13]-'0') != dv2 {
		return Document{}, docErr(ReasonChecksum, "CNPJ check digits do not match")
	}
	return Document{Type: CNPJ, Number: n}, nil
}

// ParseDocument validates s as a document of type t. An empty t infers the
// type from the length once the mask is removed: 11 characters is a CPF,
// 14 a CNPJ.
func ParseDocument(s string, t DocumentType) (Document, error) {
	switch t {
	case CPF:
		return ParseCPF(s)
	case CNPJ:
		return ParseCNPJ(s)
	case "":
		n := stripMask(s, ".-/")
		switch utf8.RuneCountInString(n) {
		case cpfLen:
			return ParseCPF(s)
		case cnpjLen:
			return ParseCNPJ(s)
		}
		// Report a stray character before the length it caused.
		if err := checkAlphabet("document", n, true); err != nil {
			return Document{}, err
		}
		return Document{}, docErr(ReasonLength,
			"document must have %d characters (CPF) or %d (CNPJ), got %d", cpfLen, cnpjLen, len(n))
	}
	return Document{}, docErr(ReasonType, "unknown document type %q", string(t))
}

// Formatted returns the printed mask: ddd.ddd.ddd-dd for a CPF,
// XX.XXX.XXX/XXXX-XX for a CNPJ. A Document that did not come from a
// parser is returned unmasked rather than mangled.
func (d Document) Formatted() string {
	n := d.Number
	switch {
	case d.Type == CPF && len(n) == cpfLen:
		return n[:3] + "." + n[3:6] + "." + n[6:9] + "-" + n[9:]
	case d.Type == CNPJ && len(n) == cnpjLen:
		return n[:2] + "." + n[2:5] + "." + n[5:8] + "/" + n[8:12] + "-" + n[12:]
	}
	return n
}

// String returns the canonical, unmasked number.
func (d Document) String() string { return d.Number }

// stripMask trims surrounding spaces and drops the mask characters in seps
// wherever they are: people paste partial or sloppy masks, and the
// characters that remain are validated strictly anyway.
func stripMask(s, seps string) string {
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(seps, r) {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
}

// mod11 computes a check digit over s (ASCII, already charset-checked):
// each character is valued ASCII-48, which gives '0'..'9' = 0..9 and
// 'A'..'Z' = 17..42 as IN RFB 2.229/2024 requires.
func mod11(s string, weights []int) int {
	sum := 0
	for i, w := range weights {
		sum += int(s[i]-'0') * w
	}
	if r := sum % 11; r >= 2 {
		return 11 - r
	}
	return 0
}

// checkAlphabet rejects the first character that can never appear in the
// document, so the person is told about the stray character rather than
// about the length it threw off. After it succeeds n is pure ASCII.
func checkAlphabet(kind, n string, letters bool) error {
	for _, r := range n {
		switch {
		case isDigit(r), letters && r >= 'A' && r <= 'Z':
		case letters && r >= 'a' && r <= 'z':
			return docErr(ReasonCharset, "%s letters must be uppercase, found %q", kind, r)
		case letters:
			return docErr(ReasonCharset, "%s may contain only digits and uppercase letters, found %q", kind, r)
		default:
			return docErr(ReasonCharset, "%s may contain only digits, found %q", kind, r)
		}
	}
	return nil
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

func allSame(s string) bool {
	return strings.Count(s, s[:1]) == len(s)
}
