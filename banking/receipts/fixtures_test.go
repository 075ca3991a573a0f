package receipts_test

import (
	"time"

	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/banking/receipts"
	"github.com/ponte-bff/ponte/brazil"
)

var saoPaulo = time.FixedZone("-03", -3*60*60)

// boletoLine is an Itaú boleto of R$ 1.234,56 due 2026-11-30 (factor 1646 of the second cycle).
const (
	boletoLine          = "34191091233456781234156789012301416460000123456"
	boletoLineFormatted = "34191.09123 34567.812341 56789.012301 4 16460000123456"
	boletoBarcode       = "34194164600001234561091234567812345678901230"
	// arrecadacaoLine is an electricity bill (segment 3) of R$ 250,00.
	arrecadacaoLine          = "836000000023500000385426855249425718242484251069"
	arrecadacaoLineFormatted = "83600000002-3 50000038542-6 85524942571-8 24248425106-9"
)

var payer = receipts.Party{
	Name:            "João Ferreira Comércio de Alimentos Ltda",
	Document:        "11444777000161",
	DocumentType:    brazil.CNPJ,
	InstitutionName: "STONE IP S.A.",
	InstitutionISPB: "16501555",
	InstitutionCode: "197",
	BranchCode:      "0001",
	AccountCode:     "1234567-8",
	AccountType:     "PG",
}

// boletoReceipt pays a boleto to Padaria Pão Quente on 23/11/2026 at 14:05:09 in Brasília.
func boletoReceipt() receipts.Receipt {
	r := receipts.Receipt{
		Kind:                receipts.BoletoPayment,
		PaymentID:           uuid.MustParse("5f0c7a52-3b1e-4c1a-9d2f-0a4b6c8d0e12"),
		LedgerTransactionID: uuid.MustParse("c3a1e9b0-7d44-4f5e-8a61-2b9c0d1e3f45"),
		Payer:               payer,
		Beneficiary: receipts.Party{
			Name:     "Padaria Pão Quente Ltda",
			Document: "11.222.333/0001-81",
		},
		Barcode: &receipts.BarcodeDetails{
			Line:    boletoLine,
			DueDate: brazil.NewDate(2026, time.November, 30),
		},
		Amount:      123456,
		Fee:         350,
		Description: "Pão francês e frios – pedido 4471 de novembro",
		CreatedAt:   time.Date(2026, 11, 23, 14, 4, 51, 0, saoPaulo),
		FinishedAt:  time.Date(2026, 11, 23, 14, 5, 9, 0, saoPaulo),
	}
	r.Sign(testKey)
	return r
}

func tedReceipt() receipts.Receipt {
	r := receipts.Receipt{
		Kind:                receipts.TED,
		PaymentID:           uuid.MustParse("0b6f3f0e-8d3c-4a77-b1e2-6f7a8b9c0d1e"),
		LedgerTransactionID: uuid.MustParse("9e8d7c6b-5a49-4382-a716-0f1e2d3c4b5a"),
		Payer:               payer,
		Beneficiary: receipts.Party{
			Name:            "Maria Conceição Araújo",
			Document:        "24843803480",
			InstitutionName: "ITAÚ UNIBANCO S.A.",
			InstitutionISPB: "60701190",
			InstitutionCode: "341",
			BranchCode:      "0472",
			AccountCode:     "98765-4",
			AccountType:     "CC",
		},
		Amount:      500000,
		Fee:         400,
		Description: "Aluguel de dezembro",
		CreatedAt:   time.Date(2026, 11, 20, 18, 30, 0, 0, saoPaulo),
		ScheduledTo: brazil.NewDate(2026, time.November, 23),
		FinishedAt:  time.Date(2026, 11, 23, 6, 30, 2, 0, saoPaulo),
	}
	r.Sign(testKey)
	return r
}

func internalReceipt() receipts.Receipt {
	r := receipts.Receipt{
		Kind:                receipts.InternalTransfer,
		PaymentID:           uuid.MustParse("1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"),
		LedgerTransactionID: uuid.MustParse("6d5c4b3a-2f1e-4d0c-9b8a-7f6e5d4c3b2a"),
		Payer:               payer,
		Beneficiary: receipts.Party{
			Name:            "Padaria Pão Quente Ltda",
			Document:        "11222333000181",
			InstitutionName: "STONE IP S.A.",
			InstitutionISPB: "16501555",
			InstitutionCode: "197",
			BranchCode:      "0001",
			AccountCode:     "7654321-0",
			AccountType:     "PG",
		},
		Amount:     123456,
		CreatedAt:  time.Date(2026, 11, 23, 14, 5, 8, 0, saoPaulo),
		FinishedAt: time.Date(2026, 11, 23, 14, 5, 9, 0, saoPaulo),
	}
	r.Sign(testKey)
	return r
}

func arrecadacaoReceipt() receipts.Receipt {
	r := receipts.Receipt{
		Kind:                receipts.ArrecadacaoPayment,
		PaymentID:           uuid.MustParse("7c6b5a49-3827-4165-8f4e-3d2c1b0a9f8e"),
		LedgerTransactionID: uuid.MustParse("2e3f4a5b-6c7d-4e8f-9a0b-1c2d3e4f5a6b"),
		Payer:               payer,
		Beneficiary:         receipts.Party{Name: "Companhia Energética de São João"},
		Barcode:             &receipts.BarcodeDetails{Line: arrecadacaoLine},
		Amount:              25000,
		FinishedAt:          time.Date(2026, 11, 23, 9, 12, 44, 0, saoPaulo),
	}
	r.Sign(testKey)
	return r
}
