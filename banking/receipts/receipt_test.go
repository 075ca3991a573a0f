package receipts_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/banking/receipts"
	"github.com/ponte-bff/ponte/brazil"
)

// The fixtures must be real documents, or the PDF tests prove nothing.
func TestFixturesAreValidDocuments(t *testing.T) {
	b, err := brazil.DecodeBarcode(boletoLine, time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatalf("boleto fixture: %v", err)
	}
	if b.Barcode != boletoBarcode || b.AmountCents != 123456 || b.DueDate == nil || *b.DueDate != brazil.NewDate(2026, 11, 30) {
		t.Fatalf("boleto fixture decodes to %+v", b)
	}
	if b.FormattedLine() != boletoLineFormatted {
		t.Fatalf("boleto fixture prints as %q", b.FormattedLine())
	}
	if _, err := brazil.ParseArrecadacao(arrecadacaoLine); err != nil {
		t.Fatalf("arrecadação fixture: %v", err)
	}
	for _, d := range []string{payer.Document, "11222333000181", "24843803480"} {
		if _, err := brazil.ParseDocument(d, ""); err != nil {
			t.Fatalf("document fixture %s: %v", d, err)
		}
	}
}

func TestReceiptTotalDebitedIsAmountPlusFee(t *testing.T) {
	if got := boletoReceipt().TotalDebited(); got != 123456+350 {
		t.Fatalf("TotalDebited = %s, want 1238.06", got)
	}
}

func TestValidate(t *testing.T) {
	for _, r := range []receipts.Receipt{boletoReceipt(), tedReceipt(), internalReceipt(), arrecadacaoReceipt()} {
		if err := r.Validate(); err != nil {
			t.Fatalf("%s fixture: %v", r.Kind, err)
		}
	}
	t.Run("BarcodeMayBeGivenInsteadOfLine", func(t *testing.T) {
		r := boletoReceipt()
		r.Barcode = &receipts.BarcodeDetails{Barcode: boletoBarcode}
		if err := r.Validate(); err != nil {
			t.Fatal(err)
		}
	})
	for _, c := range []struct {
		name   string
		change func(*receipts.Receipt)
		code   apperr.Code
	}{
		{"ErrNotFinished", func(r *receipts.Receipt) { r.FinishedAt = time.Time{} }, apperr.InvalidState},
		{"ErrUnknownKind", func(r *receipts.Receipt) { r.Kind = "PIX" }, apperr.Invalid},
		{"ErrNoPaymentID", func(r *receipts.Receipt) { r.PaymentID = uuid.Nil }, apperr.Invalid},
		{"ErrUnsigned", func(r *receipts.Receipt) { r.AuthenticationCode = "" }, apperr.Invalid},
		{"ErrZeroAmount", func(r *receipts.Receipt) { r.Amount = 0 }, apperr.Invalid},
		{"ErrNegativeFee", func(r *receipts.Receipt) { r.Fee = -1 }, apperr.Invalid},
		{"ErrNoPayerName", func(r *receipts.Receipt) { r.Payer.Name = "" }, apperr.Invalid},
		{"ErrNoBarcodeDetails", func(r *receipts.Receipt) { r.Barcode = nil }, apperr.Invalid},
		{"ErrEmptyCode", func(r *receipts.Receipt) { r.Barcode = &receipts.BarcodeDetails{} }, apperr.Invalid},
		{"ErrBadCheckDigit", func(r *receipts.Receipt) {
			r.Barcode.Line = boletoLine[:9] + "0" + boletoLine[10:]
		}, apperr.InvalidBarcode},
		{"ErrArrecadacaoLineOnBoleto", func(r *receipts.Receipt) { r.Barcode.Line = arrecadacaoLine }, apperr.InvalidBarcode},
		{"ErrLineAndBarcodeOfDifferentDocuments", func(r *receipts.Receipt) {
			r.Barcode.Barcode = "00196965600001234561399701652656460839680087"
		}, apperr.InvalidBarcode},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := boletoReceipt()
			c.change(&r)
			err := r.Validate()
			if got := apperr.CodeOf(err); err == nil || got != c.code {
				t.Fatalf("Validate = %v (code %s), want code %s", err, got, c.code)
			}
			var buf bytes.Buffer
			if err := r.WritePDF(&buf); err == nil || buf.Len() != 0 {
				t.Fatalf("WritePDF wrote %d bytes, err %v: want nothing and Validate's error", buf.Len(), err)
			}
		})
	}
	t.Run("ErrBarcodeDetailsOnTransfer", func(t *testing.T) {
		r := tedReceipt()
		r.Barcode = &receipts.BarcodeDetails{Line: boletoLine}
		if got := apperr.CodeOf(r.Validate()); got != apperr.Invalid {
			t.Fatalf("code %s, want %s", got, apperr.Invalid)
		}
	})
	t.Run("ErrTransferWithoutFavorecido", func(t *testing.T) {
		r := tedReceipt()
		r.Beneficiary.Name = ""
		if got := apperr.CodeOf(r.Validate()); got != apperr.Invalid {
			t.Fatalf("code %s, want %s", got, apperr.Invalid)
		}
	})
}

func TestFormatTimeIsBrasiliaCivilTime(t *testing.T) {
	got := receipts.FormatTime(time.Date(2026, 11, 23, 17, 5, 9, 0, time.UTC))
	if want := "23/11/2026 14:05:09 (horário de Brasília)"; got != want {
		t.Fatalf("FormatTime = %q, want %q", got, want)
	}
	if got := receipts.FormatDate(brazil.NewDate(2026, 1, 5)); got != "05/01/2026" {
		t.Fatalf("FormatDate = %q", got)
	}
}
