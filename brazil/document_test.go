package brazil_test

import (
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/ponte-bff/ponte/brazil"
)

type vectorSet struct {
	Valid []struct {
		Raw       string `json:"raw"`
		Formatted string `json:"formatted"`
	} `json:"valid"`
	Invalid []struct {
		Value string `json:"value"`
		Kind  string `json:"kind"`
		Why   string `json:"why"`
	} `json:"invalid"`
}

// kindReason maps the vector file's "kind" to our reason. An unknown kind
// fails the test so that a new vector category forces a decision here.
var kindReason = map[string]string{
	"checksum":        brazil.ReasonChecksum,
	"repeated_digits": brazil.ReasonRepeated,
	"length":          brazil.ReasonLength,
	"charset":         brazil.ReasonCharset,
	"charset_policy":  brazil.ReasonCharset, // lowercase CNPJ letters: we reject (see ParseCNPJ)
}

func loadVectors(t *testing.T) map[string]vectorSet {
	t.Helper()
	raw, err := os.ReadFile("testdata/brazil.json")
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]json.RawMessage
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	out := map[string]vectorSet{}
	for _, key := range []string{"cpf", "cnpj_numeric", "cnpj_alphanumeric"} {
		var s vectorSet
		if err := json.Unmarshal(v[key], &s); err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		if len(s.Valid) == 0 || len(s.Invalid) == 0 {
			t.Fatalf("%s: empty vector set", key)
		}
		out[key] = s
	}
	return out
}

func reasonOf(err error) string {
	var de *brazil.DocumentError
	if errors.As(err, &de) {
		return de.Reason
	}
	return ""
}

func TestDocumentVectors(t *testing.T) {
	vectors := loadVectors(t)
	sections := []struct {
		key   string
		typ   brazil.DocumentType
		parse func(string) (brazil.Document, error)
	}{
		{"cpf", brazil.CPF, brazil.ParseCPF},
		{"cnpj_numeric", brazil.CNPJ, brazil.ParseCNPJ},
		{"cnpj_alphanumeric", brazil.CNPJ, brazil.ParseCNPJ},
	}
	for _, sec := range sections {
		set := vectors[sec.key]
		t.Run(sec.key+"/valid_raw_and_formatted_parse_and_round_trip", func(t *testing.T) {
			for _, v := range set.Valid {
				want := brazil.Document{Type: sec.typ, Number: v.Raw}
				for _, in := range []string{v.Raw, v.Formatted} {
					for name, got := range parseAll(t, in, sec.typ, sec.parse) {
						if got != want {
							t.Errorf("%s(%q) = %+v, want %+v", name, in, got, want)
						}
					}
				}
				if got := want.Formatted(); got != v.Formatted {
					t.Errorf("Formatted(%q) = %q, want %q", v.Raw, got, v.Formatted)
				}
				if got := want.String(); got != v.Raw {
					t.Errorf("String(%q) = %q", v.Raw, got)
				}
			}
		})
		t.Run(sec.key+"/invalid_rejected_with_reason_of_kind", func(t *testing.T) {
			for _, v := range set.Invalid {
				want, ok := kindReason[v.Kind]
				if !ok {
					t.Fatalf("unmapped kind %q in vectors (%q)", v.Kind, v.Value)
				}
				for name, parse := range map[string]func(string) (brazil.Document, error){
					"typed":    sec.parse,
					"inferred": func(s string) (brazil.Document, error) { return brazil.ParseDocument(s, "") },
				} {
					d, err := parse(v.Value)
					if err == nil {
						t.Errorf("%s %q accepted as %+v, want %s (%s)", name, v.Value, d, want, v.Why)
						continue
					}
					if got := reasonOf(err); got != want {
						t.Errorf("%s %q: reason %q (%v), want %q (%s)", name, v.Value, got, err, want, v.Why)
					}
				}
			}
		})
	}
}

// parseAll parses in with the typed parser, ParseDocument with the explicit
// type and ParseDocument with inference; all three must agree.
func parseAll(t *testing.T, in string, typ brazil.DocumentType, parse func(string) (brazil.Document, error)) map[string]brazil.Document {
	t.Helper()
	out := map[string]brazil.Document{}
	for name, f := range map[string]func() (brazil.Document, error){
		"Parse" + string(typ):  func() (brazil.Document, error) { return parse(in) },
		"ParseDocument(typed)": func() (brazil.Document, error) { return brazil.ParseDocument(in, typ) },
		"ParseDocument(infer)": func() (brazil.Document, error) { return brazil.ParseDocument(in, "") },
	} {
		d, err := f()
		if err != nil {
			t.Errorf("%s(%q): %v", name, in, err)
			continue
		}
		out[name] = d
	}
	return out
}

func TestParseDocumentRules(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		typ    brazil.DocumentType
		want   brazil.Document
		reason string // empty: must succeed
	}{
		{"infers_CPF_from_11_characters", "248.438.034-80", "", brazil.Document{Type: brazil.CPF, Number: "24843803480"}, ""},
		{"infers_CNPJ_from_14_characters", "11.222.333/0001-81", "", brazil.Document{Type: brazil.CNPJ, Number: "11222333000181"}, ""},
		{"infers_alphanumeric_CNPJ", "12.ABC.345/01DE-35", "", brazil.Document{Type: brazil.CNPJ, Number: "12ABC34501DE35"}, ""},
		{"trims_surrounding_spaces", "  248.438.034-80\t", "", brazil.Document{Type: brazil.CPF, Number: "24843803480"}, ""},
		{"infer_rejects_other_lengths", "1234567890123", "", brazil.Document{}, brazil.ReasonLength},
		{"CNPJ_given_as_CPF_is_rejected", "11222333000181", brazil.CPF, brazil.Document{}, brazil.ReasonLength},
		{"CPF_given_as_CNPJ_is_rejected", "24843803480", brazil.CNPJ, brazil.Document{}, brazil.ReasonLength},
		{"CPF_rejects_slash", "248.438.034/80", brazil.CPF, brazil.Document{}, brazil.ReasonCharset},
		{"CPF_rejects_other_punctuation", "248,438,034-80", "", brazil.Document{}, brazil.ReasonCharset},
		{"rejects_inner_space", "248 438 034 80", brazil.CPF, brazil.Document{}, brazil.ReasonCharset},
		{"CNPJ_rejects_non_ASCII_letter", "12ÁBC34501DE35", brazil.CNPJ, brazil.Document{}, brazil.ReasonCharset},
		{"CNPJ_rejects_letter_in_first_check_digit", "12ABC34501DEA5", brazil.CNPJ, brazil.Document{}, brazil.ReasonCharset},
		{"repeated_numeric_CNPJ_is_invalid", "99.999.999/9999-99", "", brazil.Document{}, brazil.ReasonRepeated},
		{"unknown_type_is_rejected", "24843803480", "RG", brazil.Document{}, brazil.ReasonType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := brazil.ParseDocument(tt.in, tt.typ)
			if tt.reason == "" {
				if err != nil || got != tt.want {
					t.Fatalf("ParseDocument(%q, %q) = %+v, %v; want %+v", tt.in, tt.typ, got, err, tt.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("ParseDocument(%q, %q) accepted %+v, want %s", tt.in, tt.typ, got, tt.reason)
			}
			if r := reasonOf(err); r != tt.reason {
				t.Fatalf("ParseDocument(%q, %q): reason %q (%v), want %q", tt.in, tt.typ, r, err, tt.reason)
			}
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
		})
	}
}

func TestRepeatedDigitsAllRejected(t *testing.T) {
	for d := byte('0'); d <= '9'; d++ {
		for _, n := range []int{11, 14} {
			in := string(repeat(d, n))
			if _, err := brazil.ParseDocument(in, ""); reasonOf(err) != brazil.ReasonRepeated {
				t.Errorf("%s: got %v, want reason %s", in, err, brazil.ReasonRepeated)
			}
		}
	}
}

func repeat(b byte, n int) []byte {
	out := make([]byte, n)
	for i := range out {
		out[i] = b
	}
	return out
}

func TestFormattedOfZeroDocument(t *testing.T) {
	if got := (brazil.Document{}).Formatted(); got != "" {
		t.Fatalf("zero Document formatted as %q", got)
	}
}
