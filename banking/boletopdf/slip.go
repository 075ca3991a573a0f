// Package boletopdf renders a boleto as the PDF an ERP emails to its customer, in FEBRABAN's
// layout: the recibo do pagador on top, a cut line, and the ficha de compensação with the typed
// line, the fields a bank teller reads and the Interleaved 2 of 5 barcode a scanner reads.
//
// It renders what it is given: the boleto (its code, amount, dates and parties) belongs to the
// package that issues it; this one only checks that the code is a valid boleto code whose typed
// line and barcode agree, so that no slip goes out that a bank would refuse to read. Text is
// real text (embedded Go fonts), so the typed line can be copied from the PDF.
package boletopdf

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ponte-bff/ponte/brazil"
)

// Party is a person or company on the slip.
type Party struct {
	Name     string
	Document string // CPF or CNPJ digits; the renderer formats it (000.000.000-00 / 00.000.000/0000-00)
	Address  string // one line, may be empty
}

// Slip is everything printed on a boleto (FEBRABAN layout: recibo do pagador + ficha de compensação).
type Slip struct {
	BankCode     string    // "197"
	BankName     string    // "Stone Instituição de Pagamento S.A." (from brazil.BankByCode when empty)
	TypedLine    string    // 47 digits (linha digitável), unformatted; the renderer groups it
	Barcode      string    // 44 digits, drawn as Interleaved 2 of 5
	OurNumber    string    // nosso número
	Kind         string    // "COBRANCA" | "PROPOSTA" | "DEPOSITO" (printed as "Espécie doc.": DM / PR / DS or similar)
	Amount       int64     // cents
	DueDate      time.Time // a calendar date: printed as its own location reads it
	LimitDate    time.Time // a calendar date, as DueDate
	IssuedAt     time.Time // an instant: printed as the date in Brasília
	Beneficiary  Party     // cedente / beneficiário
	BranchCode   string    // beneficiary's branch (agência)
	AccountCode  string    // beneficiary's account code
	Payer        Party     // sacado / pagador
	Instructions []string  // e.g. "Após o vencimento cobrar multa de 2,00%", juros, descontos
	Description  string
}

// maxInstructions is how many instruction lines the ficha has room for.
const maxInstructions = 6

// check refuses a slip no bank could read or that would print wrong: a code that is not a valid
// boleto, a typed line and a barcode of two different boletos, a bank code or an amount the
// code does not carry, a missing due date or party name. It returns the parsed code.
func (s *Slip) check() (brazil.Boleto, error) {
	bc, err := brazil.ParseBoleto(s.Barcode)
	if err != nil || len(s.Barcode) != 44 {
		return bc, fmt.Errorf("boletopdf: the barcode is not a 44-digit boleto barcode: %v", err)
	}
	line, err := brazil.ParseBoleto(s.TypedLine)
	if err != nil || len(s.TypedLine) != 47 {
		return bc, fmt.Errorf("boletopdf: the typed line is not a 47-digit boleto typed line: %v", err)
	}
	switch {
	case line.Barcode != bc.Barcode:
		return bc, fmt.Errorf("boletopdf: the typed line and the barcode are of different boletos")
	case s.BankCode != bc.BankCode:
		return bc, fmt.Errorf("boletopdf: bank %q, but the code is of bank %s", s.BankCode, bc.BankCode)
	case s.Amount < 0 || s.Amount != bc.AmountCents:
		return bc, fmt.Errorf("boletopdf: amount %d centavos, but the code carries %d", s.Amount, bc.AmountCents)
	case s.DueDate.IsZero():
		return bc, fmt.Errorf("boletopdf: no due date")
	case strings.TrimSpace(s.Beneficiary.Name) == "" || strings.TrimSpace(s.Payer.Name) == "":
		return bc, fmt.Errorf("boletopdf: the beneficiary and the payer need a name")
	case len(s.Instructions) > maxInstructions:
		return bc, fmt.Errorf("boletopdf: at most %d instruction lines, got %d", maxInstructions, len(s.Instructions))
	}
	for _, t := range append([]string{s.OurNumber, s.Description, s.Beneficiary.Name, s.Payer.Name}, s.Instructions...) {
		if !utf8.ValidString(t) {
			return bc, fmt.Errorf("boletopdf: text is not UTF-8")
		}
	}
	return bc, nil
}

// bankName is the slip's bank name, from the bank directory when the slip gives none.
func (s *Slip) bankName() string {
	if s.BankName != "" {
		return s.BankName
	}
	if b, ok := brazil.BankByCode(s.BankCode); ok {
		if b.FullName != "" {
			return b.FullName
		}
		return b.Name
	}
	return "Banco " + s.BankCode
}

// species is the "Espécie doc." of a boleto kind: duplicata mercantil for a charge, proposta and
// depósito for the other two (Stone's bill_of_exchange, proposal, deposit).
func species(kind string) string {
	switch kind {
	case "COBRANCA":
		return "DM"
	case "PROPOSTA":
		return "PR"
	case "DEPOSITO":
		return "DS"
	}
	return kind
}

// Render writes the PDF of s to w.
//
// It refuses, before writing anything, a slip whose code is not a valid boleto or whose typed
// line, barcode, bank and amount disagree. The same slip always gives the same bytes; the PDF is
// built in memory and written to w in one piece.
func Render(w io.Writer, s Slip) error {
	bc, err := s.check()
	if err != nil {
		return err
	}
	bars, err := barsOf(s.Barcode)
	if err != nil {
		return err
	}
	d, err := newDoc(&s)
	if err != nil {
		return fmt.Errorf("boletopdf: start PDF: %w", err)
	}
	d.receipt(&s, bc)
	d.cutLine()
	d.compensation(&s, bc, bars)
	if d.err != nil {
		return fmt.Errorf("boletopdf: render PDF: %w", d.err)
	}
	_, err = d.pdf.WriteTo(w)
	return err
}
