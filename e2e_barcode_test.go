package main

import (
	"encoding/json"
	"os"
	"testing"
)

type barcodeVectors struct {
	Boleto struct {
		Valid []struct {
			Barcode       string   `json:"barcode"`
			TypedLine     string   `json:"typed_line"`
			DueDate       *string  `json:"due_date"`
			AmountCents   int64    `json:"amount_cents"`
			Amount        string   `json:"amount"`
			BankCode      string   `json:"bank_code"`
			ValidRefRange []string `json:"valid_ref_range"`
		} `json:"valid"`
		Invalid []struct {
			Input          string `json:"input"`
			ExpectedReason string `json:"expected_reason"`
		} `json:"invalid"`
	} `json:"boleto"`
	Arrecadacao struct {
		Valid []struct {
			Barcode   string `json:"barcode"`
			TypedLine string `json:"typed_line"`
			Amount    string `json:"amount"`
			ValueKind string `json:"value_kind"`
		} `json:"valid"`
		Invalid []struct {
			Input          string `json:"input"`
			ExpectedReason string `json:"expected_reason"`
		} `json:"invalid"`
	} `json:"arrecadacao"`
}

const decodeQuery = `query($code: String!, $ref: Date) { decodeBarcode(code: $code, referenceDate: $ref) {
  valid kind typedLine barcode amount { amount } dueDate bankCode segment error errorReason } }`

type barcodeInfo struct {
	Valid                bool
	Kind, TypedLine      *string
	Barcode              *string
	Amount               *struct{ Amount string }
	DueDate, BankCode    *string
	Segment, ErrorReason *string
}

// TestDecodeBarcodeVectors runs every boleto and arrecadação vector through the decodeBarcode
// query, with the reference date pinned to each vector's valid range.
func TestDecodeBarcodeVectors(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("brazil/testdata/brazil.json")
	if err != nil {
		t.Fatal(err)
	}
	var v barcodeVectors
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	s := startServer(t, nil)
	tok := tenantToken(t, s)
	decode := func(t *testing.T, code string, ref *string) barcodeInfo {
		t.Helper()
		vars := map[string]any{"code": code}
		if ref != nil {
			vars["ref"] = *ref
		}
		var out barcodeInfo
		gql(t, s, tok, decodeQuery, vars).decode(t, "decodeBarcode", &out)
		return out
	}
	for _, b := range v.Boleto.Valid {
		for _, code := range []string{b.Barcode, b.TypedLine} {
			got := decode(t, code, &b.ValidRefRange[0])
			if !got.Valid || *got.Kind != "BOLETO" || *got.Barcode != b.Barcode || *got.BankCode != b.BankCode {
				t.Errorf("boleto %s: %+v", code, got)
				continue
			}
			if b.AmountCents > 0 && (got.Amount == nil || got.Amount.Amount != b.Amount) {
				t.Errorf("boleto %s: amount %+v, want %s", code, got.Amount, b.Amount)
			}
			if b.DueDate != nil && (got.DueDate == nil || *got.DueDate != *b.DueDate) {
				t.Errorf("boleto %s: due %v, want %s", code, got.DueDate, *b.DueDate)
			}
		}
	}
	for _, b := range v.Boleto.Invalid {
		if got := decode(t, b.Input, nil); got.Valid || got.ErrorReason == nil || *got.ErrorReason != b.ExpectedReason {
			t.Errorf("invalid boleto %s: %+v, want %s", b.Input, got, b.ExpectedReason)
		}
	}
	for _, a := range v.Arrecadacao.Valid {
		for _, code := range []string{a.Barcode, a.TypedLine} {
			got := decode(t, code, nil)
			if !got.Valid || *got.Kind != "BARCODE" || *got.Barcode != a.Barcode || got.Segment == nil {
				t.Errorf("arrecadação %s: %+v", code, got)
				continue
			}
			if a.ValueKind == "effective_brl" && a.Amount != "0.00" && (got.Amount == nil || got.Amount.Amount != a.Amount) {
				t.Errorf("arrecadação %s: amount %+v, want %s", code, got.Amount, a.Amount)
			}
		}
	}
	for _, a := range v.Arrecadacao.Invalid {
		if got := decode(t, a.Input, nil); got.Valid || got.ErrorReason == nil || *got.ErrorReason != a.ExpectedReason {
			t.Errorf("invalid arrecadação %s: %+v, want %s", a.Input, got, a.ExpectedReason)
		}
	}
}

func TestSchedulingCalendarAndInstitutions(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)
	tok := tenantToken(t, s)
	var cal struct {
		NonBusinessDays []struct {
			Date    string
			Holiday *string
		}
	}
	gql(t, s, tok, `{ schedulingCalendar(kind: TED, from: "2026-02-14", to: "2026-02-18") { nextAvailableExecutionDate executionLimitDate nonBusinessDays { date holiday } } }`, nil).
		decode(t, "schedulingCalendar", &cal)
	// Saturday, Sunday, Carnaval Monday and Tuesday; Ash Wednesday is a business day.
	if len(cal.NonBusinessDays) != 4 || cal.NonBusinessDays[2].Holiday == nil || cal.NonBusinessDays[3].Date != "2026-02-17" {
		t.Fatalf("%+v", cal)
	}
	var banks []struct{ Name, Ispb string }
	gql(t, s, tok, `{ institutions(search: "197") { name ispb } }`, nil).decode(t, "institutions", &banks)
	if len(banks) == 0 || banks[0].Ispb != "16501555" {
		t.Fatalf("%+v", banks)
	}
}

func TestPaymentFeesAreShownBefore(t *testing.T) {
	t.Parallel()
	s := startServer(t, map[string]string{"PONTE_FEES": "TED=4.20"})
	var fees []struct {
		Kind string
		Fee  struct{ Amount string }
	}
	gql(t, s, tenantToken(t, s), `{ paymentFees { kind fee { amount } } }`, nil).decode(t, "paymentFees", &fees)
	got := map[string]string{}
	for _, f := range fees {
		got[f.Kind] = f.Fee.Amount
	}
	if got["TED"] != "4.20" || got["INTERNAL_TRANSFER"] != "0.00" {
		t.Fatalf("%v", got)
	}
}
