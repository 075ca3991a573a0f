package receipts_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/banking/receipts"
	"github.com/ponte-bff/ponte/brazil"
)

// schedulingReceipt is the comprovante de agendamento of the TED of tedReceipt, before it ran.
func schedulingReceipt() receipts.Receipt {
	r := tedReceipt()
	r.Covers, r.LedgerTransactionID, r.FinishedAt = receipts.CoversScheduling, uuid.Nil, time.Time{}
	r.VerifyAt = "https://ponte.example/receipts/verify"
	r.Sign(testKey)
	return r
}

// refundReceipt is tedReceipt's TED, returned by the receiving bank the next day.
func refundReceipt() receipts.Receipt {
	r := tedReceipt()
	r.Covers = receipts.CoversRefund
	r.Refund = &receipts.Refund{TransactionID: uuid.MustParse("5b1c6a2e-3f4d-4e5a-9b8c-7d6e5f4a3b2c"),
		At: time.Date(2026, 11, 24, 9, 15, 0, 0, saoPaulo), Amount: r.Amount + r.Fee, Reason: "conta destino encerrada"}
	r.Sign(testKey)
	return r
}

func TestEachCoverageHasItsOwnCode(t *testing.T) {
	t.Parallel()
	payment, scheduling, refund := tedReceipt(), schedulingReceipt(), refundReceipt()
	codes := map[string]bool{payment.AuthenticationCode: true, scheduling.AuthenticationCode: true, refund.AuthenticationCode: true}
	if len(codes) != 3 {
		t.Fatalf("codes shared between coverages: %v", codes)
	}
	for name, r := range map[string]receipts.Receipt{"payment": payment, "scheduling": scheduling, "refund": refund} {
		if !r.Verify(testKey) {
			t.Errorf("%s: its own code does not verify", name)
		}
		forged := r
		forged.AuthenticationCode = tedReceipt().AuthenticationCode
		if name != "payment" && forged.Verify(testKey) {
			t.Errorf("%s: the payment's code verifies as this receipt's", name)
		}
	}
	moved := scheduling
	moved.ScheduledTo = brazil.NewDate(2026, time.November, 24)
	if moved.Verify(testKey) {
		t.Error("a scheduling receipt verifies for another day")
	}
	norm, ok := receipts.NormalizeCode(" " + strings.ToLower(payment.AuthenticationCode) + " ")
	if !ok || norm != strings.ReplaceAll(payment.AuthenticationCode, "-", "") {
		t.Errorf("normalized %q (%v)", norm, ok)
	}
	if _, ok := receipts.NormalizeCode("not a code"); ok {
		t.Error("a non-code normalized")
	}
}

func TestWritePDFScheduling(t *testing.T) {
	t.Parallel()
	r := schedulingReceipt()
	text, info := pdfText(t, r, "ted-scheduling")
	wantOneA4Page(t, info)
	wantText(t, text, "Comprovante de agendamento", "Agendado para", "23/11/2026", "Total a debitar", "R$ 5.004,00",
		"Maria Conceição Araújo", r.AuthenticationCode,
		"Confirme a autenticidade deste comprovante na Ponte: em https://ponte.example/receipts/verify ou a consulta pública verifyReceipt")
	for _, never := range []string{"Efetivado em", "Total debitado", "ID da transação"} {
		if strings.Contains(text, never) {
			t.Errorf("a scheduling receipt shows %q: nothing has moved yet", never)
		}
	}
	if r.Filename() != "comprovante-"+r.PaymentID.String()+"-agendamento.pdf" {
		t.Errorf("filename %s", r.Filename())
	}
}

func TestWritePDFRefund(t *testing.T) {
	t.Parallel()
	r := refundReceipt()
	text, info := pdfText(t, r, "ted-refund")
	wantOneA4Page(t, info)
	wantText(t, text, "Comprovante de devolução", "Devolução", "Devolvido em", "24/11/2026 09:15:00 (horário de Brasília)",
		"Valor devolvido", "R$ 5.004,00", "conta destino encerrada", "5b1c6a2e-3f4d-4e5a-9b8c-7d6e5f4a3b2c",
		"Efetivado em", "23/11/2026 06:30:02", r.AuthenticationCode)
	if err := (receipts.Receipt{Kind: receipts.TED, Covers: receipts.CoversRefund}).Validate(); err == nil {
		t.Error("a refund receipt without its refund validated")
	}
}

func TestPublicDocumentHidesAPersonsCPF(t *testing.T) {
	t.Parallel()
	if got := receipts.PublicDocument(receipts.Party{Document: "24843803480"}); got != "***.438.034-**" {
		t.Errorf("CPF: %q", got)
	}
	if got := receipts.PublicDocument(payer); got != "11.444.777/0001-61" {
		t.Errorf("CNPJ: %q", got)
	}
}
