package brazil_test

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ponte-bff/ponte/brazil"
)

// paymentVectors is the part of testdata/brazil.json about payment codes,
// the calendar and banks (documents are read by loadVectors).
type paymentVectors struct {
	Boleto struct {
		Valid   []boletoVector      `json:"valid"`
		Edge    []boletoEdgeVector  `json:"edge"`
		Invalid []invalidCodeVector `json:"invalid"`
	} `json:"boleto"`
	Arrecadacao struct {
		Valid   []arrecadacaoVector `json:"valid"`
		Invalid []invalidCodeVector `json:"invalid"`
	} `json:"arrecadacao"`
	Holidays struct {
		ByYear map[string][]holidayVector `json:"by_year"`
		Easter map[string]string          `json:"easter"`
	} `json:"holidays"`
	Banks struct {
		Rows []bankVector `json:"rows"`
	} `json:"banks"`
	Published []publishedVector `json:"published_examples_check"`
}

type boletoVector struct {
	Barcode            string    `json:"barcode"`
	TypedLine          string    `json:"typed_line"`
	TypedLineFormatted string    `json:"typed_line_formatted"`
	BankCode           string    `json:"bank_code"`
	BankName           string    `json:"bank_name"`
	CurrencyCode       string    `json:"currency_code"`
	GeneralDV          int       `json:"general_dv"`
	DueFactor          int       `json:"due_factor"`
	DueDate            string    `json:"due_date"`
	FactorCycle        int       `json:"factor_cycle"`
	AmountCents        int64     `json:"amount_cents"`
	FreeField          string    `json:"free_field"`
	ValidRefRange      [2]string `json:"valid_ref_range"`
}

type boletoEdgeVector struct {
	Barcode            string  `json:"barcode"`
	TypedLine          string  `json:"typed_line"`
	TypedLineFormatted string  `json:"typed_line_formatted"`
	DueFactor          int     `json:"due_factor"`
	DueDate            *string `json:"due_date"`
	AmountCents        *int64  `json:"amount_cents"`
	Decode             []struct {
		Ref     string  `json:"ref"`
		DueDate *string `json:"due_date"`
	} `json:"decode"`
	Note string `json:"note"`
}

type invalidCodeVector struct {
	Input          string `json:"input"`
	InputKind      string `json:"input_kind"`
	Kind           string `json:"kind"`
	Why            string `json:"why"`
	ExpectedReason string `json:"expected_reason"`
}

// arrecadacaoFields is what the vectors decode from an arrecadação code.
type arrecadacaoFields struct {
	Segment            string  `json:"segment"`
	SegmentName        string  `json:"segment_name"`
	ValueID            string  `json:"value_id"`
	DVModule           int     `json:"dv_module"`
	ValueKind          string  `json:"value_kind"`
	ValueRaw           string  `json:"value_raw"`
	AmountCents        *int64  `json:"amount_cents"`
	CompanyCode        string  `json:"company_code"`
	CNPJRoot           string  `json:"cnpj_root"`
	FreeField          string  `json:"free_field"`
	DueDateInFreeField *string `json:"due_date_in_free_field"`
}

type arrecadacaoVector struct {
	arrecadacaoFields
	Barcode            string `json:"barcode"`
	TypedLine          string `json:"typed_line"`
	TypedLineFormatted string `json:"typed_line_formatted"`
	GeneralDV          int    `json:"general_dv"`
	Note               string `json:"note"`
}

type publishedVector struct {
	Kind          string             `json:"kind"`
	Src           string             `json:"src"`
	Value         string             `json:"value"`
	OK            bool               `json:"ok"`
	Valid         *bool              `json:"valid"`
	Reason        string             `json:"reason"`
	LineRoundtrip bool               `json:"line_roundtrip"`
	Barcode       string             `json:"barcode"`
	DueRef2015    string             `json:"due_date_ref_2015"`
	DueRef2026    string             `json:"due_date_ref_2026_11_23"`
	AmountCents   int64              `json:"amount_cents"`
	Decoded       *arrecadacaoFields `json:"decoded"`
}

type holidayVector struct {
	Date         string `json:"date"`
	Name         string `json:"name"`
	Kind         string `json:"kind"`
	EasterOffset *int   `json:"easter_offset_days"`
	Weekday      string `json:"weekday"`
}

type bankVector struct {
	ISPB           string `json:"ispb"`
	Compe          string `json:"compe"`
	Name           string `json:"name"`
	ParticipaCompe bool   `json:"participa_compe"`
}

func loadPaymentVectors(t testing.TB) paymentVectors {
	t.Helper()
	raw, err := os.ReadFile("testdata/brazil.json")
	if err != nil {
		t.Fatal(err)
	}
	var v paymentVectors
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Boleto.Valid) == 0 || len(v.Boleto.Invalid) == 0 || len(v.Boleto.Edge) == 0 ||
		len(v.Arrecadacao.Valid) == 0 || len(v.Arrecadacao.Invalid) == 0 ||
		len(v.Holidays.ByYear) == 0 || len(v.Banks.Rows) == 0 || len(v.Published) == 0 {
		t.Fatal("testdata/brazil.json: a payment, holiday or bank section is empty")
	}
	return v
}

// barcodeReason returns the BarcodeError reason of err, or "" if err is
// not a *BarcodeError.
func barcodeReason(err error) string {
	var be *brazil.BarcodeError
	if errors.As(err, &be) {
		return be.Reason
	}
	return ""
}

// mustDate parses an ISO date in a test.
func mustDate(t testing.TB, s string) brazil.Date {
	t.Helper()
	d, err := brazil.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// genDate is the day the vectors were generated and cross-checked
// (2026-11-23): a reference date every current code must decode with.
var genDate = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

var knownBarcodeReasons = map[string]bool{
	brazil.ReasonLength: true, brazil.ReasonNonDigit: true, brazil.ReasonGeneralDV: true,
	brazil.ReasonFieldDV1: true, brazil.ReasonFieldDV2: true, brazil.ReasonFieldDV3: true,
	brazil.ReasonBlockDV1: true, brazil.ReasonBlockDV2: true, brazil.ReasonBlockDV3: true, brazil.ReasonBlockDV4: true,
	brazil.ReasonCurrency: true, brazil.ReasonSegment: true, brazil.ReasonValueID: true,
	brazil.ReasonNotArrecadacao: true, brazil.ReasonNotBoleto: true, brazil.ReasonDueDate: true,
}

func TestBarcodeReasonsMatchVectorNames(t *testing.T) {
	v := loadPaymentVectors(t)
	for _, set := range [][]invalidCodeVector{v.Boleto.Invalid, v.Arrecadacao.Invalid} {
		for _, c := range set {
			if !knownBarcodeReasons[c.ExpectedReason] {
				t.Errorf("vector reason %q (%s) has no Reason constant", c.ExpectedReason, c.Why)
			}
		}
	}
}

func TestDecodeBarcodeBoletoVectors(t *testing.T) {
	v := loadPaymentVectors(t)
	for _, c := range v.Boleto.Valid {
		ref := mustDate(t, c.ValidRefRange[0]).AddDays(2000) // inside the range
		for _, in := range []string{c.Barcode, c.TypedLine, c.TypedLineFormatted} {
			got, err := brazil.DecodeBarcode(in, ref.Time())
			if err != nil {
				t.Errorf("%s: %v", in, err)
				continue
			}
			if got.Kind != brazil.BarcodeBoleto || got.Barcode != c.Barcode || got.Line != c.TypedLine ||
				got.BankCode != c.BankCode || got.Segment != 0 || got.AmountCents != c.AmountCents ||
				got.HasAmount != (c.AmountCents > 0) || got.Boleto == nil || got.Arrecadacao != nil {
				t.Errorf("%s: decoded %+v, want vector %+v", in, got, c)
			}
			if got.DueDate == nil || got.DueDate.String() != c.DueDate {
				t.Errorf("%s: due date %v, want %s", in, got.DueDate, c.DueDate)
			}
			if f := got.FormattedLine(); f != c.TypedLineFormatted {
				t.Errorf("%s: formatted line %q, want %q", in, f, c.TypedLineFormatted)
			}
		}
	}
}

func TestDecodeBarcodeArrecadacaoVectors(t *testing.T) {
	v := loadPaymentVectors(t)
	for _, c := range v.Arrecadacao.Valid {
		for _, in := range []string{c.Barcode, c.TypedLine, c.TypedLineFormatted} {
			got, err := brazil.DecodeBarcode(in, genDate)
			if err != nil {
				t.Errorf("%s: %v", in, err)
				continue
			}
			wantAmount := int64(0)
			if c.AmountCents != nil {
				wantAmount = *c.AmountCents
			}
			if got.Kind != brazil.BarcodeArrecadacao || got.Barcode != c.Barcode || got.Line != c.TypedLine ||
				got.BankCode != "" || got.Segment != int(c.Segment[0]-'0') || got.AmountCents != wantAmount ||
				got.HasAmount != (c.AmountCents != nil) || got.Arrecadacao == nil || got.Boleto != nil {
				t.Errorf("%s: decoded %+v, want vector %+v", in, got, c)
			}
			// Every free-field date in the vectors is within 2025-2028, so
			// near genDate: DueDate reports exactly those.
			switch {
			case c.DueDateInFreeField == nil && got.DueDate != nil:
				t.Errorf("%s: due date %s, want none", in, got.DueDate)
			case c.DueDateInFreeField != nil && (got.DueDate == nil || got.DueDate.String() != *c.DueDateInFreeField):
				t.Errorf("%s: due date %v, want %s", in, got.DueDate, *c.DueDateInFreeField)
			}
			if f := got.FormattedLine(); f != c.TypedLineFormatted {
				t.Errorf("%s: formatted line %q, want %q", in, f, c.TypedLineFormatted)
			}
		}
	}
}

func TestDecodeBarcodeInvalidVectors(t *testing.T) {
	v := loadPaymentVectors(t)
	for _, set := range []struct {
		name  string
		cases []invalidCodeVector
	}{{"boleto", v.Boleto.Invalid}, {"arrecadacao", v.Arrecadacao.Invalid}} {
		for _, c := range set.cases {
			t.Run(set.name+"/"+c.Kind, func(t *testing.T) {
				got, err := brazil.DecodeBarcode(c.Input, genDate)
				if err == nil {
					t.Fatalf("%s (%s) accepted: %+v", c.Input, c.Why, got)
				}
				if r := barcodeReason(err); r != c.ExpectedReason {
					t.Errorf("%s (%s): reason %q (%v), want %q", c.Input, c.Why, r, err, c.ExpectedReason)
				}
				if err.Error() == "" {
					t.Error("empty error message")
				}
			})
		}
	}
}

// TestDecodeBarcodeDispatch pins how the entry point tells the kinds
// apart: by first digit and length.
func TestDecodeBarcodeDispatch(t *testing.T) {
	v := loadPaymentVectors(t)
	bol, arr := v.Boleto.Valid[0], v.Arrecadacao.Valid[0]
	cases := []struct {
		name, in, reason string
	}{
		{"empty", "", brazil.ReasonLength},
		{"only mask", " .- ", brazil.ReasonLength},
		{"43 digits", bol.Barcode[:43], brazil.ReasonLength},
		{"45 digits", bol.Barcode + "0", brazil.ReasonLength},
		{"49 digits", arr.TypedLine + "0", brazil.ReasonLength},
		{"boleto line starting with 8", "8" + bol.TypedLine[1:], brazil.ReasonLength},
		{"48 digits not starting with 8", "1" + arr.TypedLine[1:], brazil.ReasonNotArrecadacao},
		{"letter", strings.Replace(bol.Barcode, "9", "A", 1), brazil.ReasonNonDigit},
		{"slash is not a mask", bol.Barcode[:10] + "/" + bol.Barcode[10:], brazil.ReasonNonDigit},
		{"full-width digit", "０" + bol.Barcode[1:], brazil.ReasonNonDigit},
		{"value id 5", arr.Barcode[:2] + "5" + arr.Barcode[3:], brazil.ReasonValueID},
		{"value id 0 in a line", arr.TypedLine[:2] + "0" + arr.TypedLine[3:], brazil.ReasonValueID},
	}
	for _, c := range cases {
		if _, err := brazil.DecodeBarcode(c.in, genDate); barcodeReason(err) != c.reason {
			t.Errorf("%s: got %v (reason %q), want reason %q", c.name, err, barcodeReason(err), c.reason)
		}
	}

	// Masks people paste: tabs, line breaks, repeated spaces.
	pasted := " " + bol.TypedLine[:5] + ".\t" + bol.TypedLine[5:20] + "\n" + bol.TypedLine[20:32] + "\u00a0" + bol.TypedLine[32:] + "  "
	if got, err := brazil.DecodeBarcode(pasted, genDate); err != nil || got.Barcode != bol.Barcode {
		t.Errorf("pasted line: %+v, %v", got, err)
	}

	// The typed parsers refuse the other kind with a reason of their own.
	if _, err := brazil.ParseBoleto(arr.Barcode); barcodeReason(err) != brazil.ReasonNotBoleto {
		t.Errorf("ParseBoleto(arrecadação barcode): %v, want %s", err, brazil.ReasonNotBoleto)
	}
	if _, err := brazil.ParseBoleto(arr.TypedLine); barcodeReason(err) != brazil.ReasonLength {
		t.Errorf("ParseBoleto(arrecadação line): %v, want %s", err, brazil.ReasonLength)
	}
	if _, err := brazil.ParseArrecadacao(bol.Barcode); barcodeReason(err) != brazil.ReasonNotArrecadacao {
		t.Errorf("ParseArrecadacao(boleto barcode): %v, want %s", err, brazil.ReasonNotArrecadacao)
	}
	if _, err := brazil.ParseArrecadacao(bol.TypedLine); barcodeReason(err) != brazil.ReasonLength {
		t.Errorf("ParseArrecadacao(boleto line): %v, want %s", err, brazil.ReasonLength)
	}
}

// TestDecodeBarcodeRefLocation documents that ref's calendar date is read
// in ref's own location.
func TestDecodeBarcodeRefLocation(t *testing.T) {
	v := loadPaymentVectors(t)
	c := v.Boleto.Valid[0] // due 2024-03-15, refs 2009-02-22..2032-06-01
	last := mustDate(t, c.ValidRefRange[1])
	brt := time.FixedZone("BRT", -3*3600)
	// 2032-06-01 23:30 in Brasília is already 2032-06-02 in UTC.
	lateEvening := time.Date(last.Year, last.Month, last.Day, 23, 30, 0, 0, brt)
	if _, err := brazil.DecodeBarcode(c.Barcode, lateEvening); err != nil {
		t.Errorf("ref %v (last valid day in Brasília): %v", lateEvening, err)
	}
	if _, err := brazil.DecodeBarcode(c.Barcode, lateEvening.UTC()); barcodeReason(err) != brazil.ReasonDueDate {
		t.Errorf("ref %v (next day in UTC): %v, want %s", lateEvening.UTC(), err, brazil.ReasonDueDate)
	}
	if got := brazil.BrasiliaDate(lateEvening.UTC()); got != last {
		t.Errorf("BrasiliaDate(%v) = %s, want %s", lateEvening.UTC(), got, last)
	}
}

// publishedRef2015 stands for the vectors' "ref 2015": any date in
// (2014-11-09, 2016-03-19] gives the recorded answers.
var publishedRef2015 = time.Date(2015, 6, 15, 0, 0, 0, 0, time.UTC)

func TestPublishedExamples(t *testing.T) {
	v := loadPaymentVectors(t)
	for _, c := range v.Published {
		if !c.OK {
			t.Fatalf("%s %s: vector marked not ok; decide what it means before testing it", c.Kind, c.Value)
		}
		switch c.Kind {
		case "cpf", "cnpj":
			typ := brazil.CPF
			if c.Kind == "cnpj" {
				typ = brazil.CNPJ
			}
			if _, err := brazil.ParseDocument(c.Value, typ); err != nil {
				t.Errorf("%s %s: %v", c.Kind, c.Value, err)
			}
		case "boleto_barcode", "boleto_typed_line":
			checkPublishedBoleto(t, c)
		case "arrecadacao_barcode", "arrecadacao_typed_line":
			checkPublishedArrecadacao(t, c)
		default:
			t.Errorf("unknown published example kind %q", c.Kind)
		}
	}
}

func checkPublishedBoleto(t *testing.T, c publishedVector) {
	t.Helper()
	b, err := brazil.ParseBoleto(c.Value)
	if c.Valid == nil || !*c.Valid {
		if err == nil {
			t.Errorf("%s (%s): accepted, want rejected with %s", c.Value, c.Src, c.Reason)
		} else if r := barcodeReason(err); r != c.Reason {
			t.Errorf("%s (%s): reason %q, want %q", c.Value, c.Src, r, c.Reason)
		}
		if _, err := brazil.DecodeBarcode(c.Value, genDate); barcodeReason(err) != c.Reason {
			t.Errorf("DecodeBarcode %s: %v, want reason %s", c.Value, err, c.Reason)
		}
		return
	}
	if err != nil {
		t.Errorf("%s (%s): %v", c.Value, c.Src, err)
		return
	}
	if b.Barcode != c.Barcode || b.AmountCents != c.AmountCents {
		t.Errorf("%s (%s): barcode %s amount %d, want %s %d", c.Value, c.Src, b.Barcode, b.AmountCents, c.Barcode, c.AmountCents)
	}
	if c.LineRoundtrip {
		back, err := brazil.ParseBoleto(b.Line)
		if err != nil || back != b {
			t.Errorf("%s: line %s does not round-trip: %+v, %v", c.Value, b.Line, back, err)
		}
	}
	for _, r := range []struct {
		ref  time.Time
		want string
	}{{publishedRef2015, c.DueRef2015}, {genDate, c.DueRef2026}} {
		due, err := b.DueDate(brazil.DateOf(r.ref))
		got := due.String()
		switch {
		case r.want != "None" && (err != nil || got != r.want):
			t.Errorf("%s ref %s: due %q, %v; want %s", c.Value, r.ref.Format(time.DateOnly), got, err, r.want)
		case r.want == "None" && b.DueFactor == 0 && (err != nil || !due.IsZero()):
			t.Errorf("%s ref %s: factor 0000 gave %q, %v; want no due date", c.Value, r.ref.Format(time.DateOnly), got, err)
		case r.want == "None" && b.DueFactor != 0 && barcodeReason(err) != brazil.ReasonDueDate:
			t.Errorf("%s ref %s: factor %d gave %q, %v; want refusal %s", c.Value, r.ref.Format(time.DateOnly), b.DueFactor, got, err, brazil.ReasonDueDate)
		}
	}
}

func checkPublishedArrecadacao(t *testing.T, c publishedVector) {
	t.Helper()
	a, err := brazil.ParseArrecadacao(c.Value)
	if err != nil {
		t.Errorf("%s (%s): %v", c.Value, c.Src, err)
		return
	}
	if c.Decoded == nil {
		t.Fatalf("%s: no decoded fields in the vector", c.Value)
	}
	checkArrecadacaoFields(t, c.Value, a, *c.Decoded)
	if c.LineRoundtrip {
		other := a.Line
		if len(strings.TrimSpace(c.Value)) == 48 {
			other = a.Barcode
		}
		back, err := brazil.ParseArrecadacao(other)
		if err != nil || back != a {
			t.Errorf("%s: %s does not round-trip: %+v, %v", c.Value, other, back, err)
		}
	}
}

// checkArrecadacaoFields compares a parsed code with the vector's decoded
// fields.
func checkArrecadacaoFields(t *testing.T, in string, a brazil.Arrecadacao, w arrecadacaoFields) {
	t.Helper()
	if got := string(rune('0' + a.Segment)); got != w.Segment {
		t.Errorf("%s: segment %s, want %s", in, got, w.Segment)
	}
	if got := string(rune('0' + a.ValueID)); got != w.ValueID {
		t.Errorf("%s: value id %s, want %s", in, got, w.ValueID)
	}
	if a.DVModule() != w.DVModule {
		t.Errorf("%s: DV module %d, want %d", in, a.DVModule(), w.DVModule)
	}
	if foldForTest(a.SegmentName()) != foldForTest(w.SegmentName) {
		t.Errorf("%s: segment name %q, want %q (accents aside)", in, a.SegmentName(), w.SegmentName)
	}
	if a.Value != w.ValueRaw {
		t.Errorf("%s: value %s, want %s", in, a.Value, w.ValueRaw)
	}
	wantHas := w.ValueKind == "effective_brl"
	if a.HasAmount != wantHas || (w.AmountCents == nil) == wantHas {
		t.Errorf("%s: HasAmount %v, vector value kind %s", in, a.HasAmount, w.ValueKind)
	}
	if w.AmountCents != nil && a.AmountCents != *w.AmountCents {
		t.Errorf("%s: amount %d, want %d", in, a.AmountCents, *w.AmountCents)
	}
	if !wantHas && a.AmountCents != 0 {
		t.Errorf("%s: reference quantity reported as amount %d", in, a.AmountCents)
	}
	if a.CompanyCode != w.CompanyCode || a.CNPJRoot != w.CNPJRoot || a.FreeField != w.FreeField {
		t.Errorf("%s: company %q cnpj root %q free field %q, want %q %q %q",
			in, a.CompanyCode, a.CNPJRoot, a.FreeField, w.CompanyCode, w.CNPJRoot, w.FreeField)
	}
	d, ok := a.FreeFieldDate()
	switch {
	case w.DueDateInFreeField == nil && ok:
		t.Errorf("%s: free-field date %s, want none", in, d)
	case w.DueDateInFreeField != nil && (!ok || d.String() != *w.DueDateInFreeField):
		t.Errorf("%s: free-field date %s (%v), want %s", in, d, ok, *w.DueDateInFreeField)
	}
}

// TestArrecadacaoImplausibleFreeFieldDate: the published telecom example's
// free field starts with 10001119, which the vectors read as 1000-11-19.
// FreeFieldDate reports it as a hint, DecodeBarcode does not make it a
// due date.
func TestArrecadacaoImplausibleFreeFieldDate(t *testing.T) {
	const line = "846800000008550000791008011193989719924101544345"
	got, err := brazil.DecodeBarcode(line, genDate)
	if err != nil {
		t.Fatal(err)
	}
	if d, ok := got.Arrecadacao.FreeFieldDate(); !ok || d.String() != "1000-11-19" {
		t.Errorf("FreeFieldDate = %s, %v", d, ok)
	}
	if got.DueDate != nil {
		t.Errorf("DueDate = %s, want none for a year-1000 free-field date", got.DueDate)
	}
}

// foldForTest lower-cases and strips Portuguese accents, so that the
// package's accented names compare with the vectors' ASCII ones.
func foldForTest(s string) string {
	r := strings.NewReplacer(
		"á", "a", "à", "a", "â", "a", "ã", "a", "é", "e", "ê", "e", "í", "i",
		"ó", "o", "ô", "o", "õ", "o", "ú", "u", "ü", "u", "ç", "c")
	return r.Replace(strings.ToLower(s))
}
