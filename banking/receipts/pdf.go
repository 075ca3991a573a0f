package receipts

import (
	"fmt"
	"io"
	"strings"
	"unicode"

	"github.com/google/uuid"
	"github.com/signintech/gopdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/gomonobold"
	"golang.org/x/image/font/gofont/goregular"

	"github.com/ponte-bff/ponte/brazil"
)

// ContentType is the media type to serve a receipt's PDF with.
const ContentType = "application/pdf"

// Filename is the name to offer the PDF under: "comprovante-<payment id>.pdf", with
// "-agendamento" or "-devolucao" before ".pdf" for a scheduling or a refund.
func (r Receipt) Filename() string {
	suffix := map[Covers]string{CoversScheduling: "-agendamento", CoversRefund: "-devolucao"}[r.covers()]
	return "comprovante-" + r.PaymentID.String() + suffix + ".pdf"
}

// title is the receipt's heading: the kind's for an executed payment, "Comprovante de
// agendamento" or "Comprovante de devolução" otherwise.
func (r Receipt) title() string {
	switch r.covers() {
	case CoversScheduling:
		return "Comprovante de agendamento"
	case CoversRefund:
		return "Comprovante de devolução"
	}
	return r.Kind.Title()
}

// WritePDF renders r as a one-page A4 PDF in Portuguese: the kind of operation, the amount, the
// payer, the favorecido or beneficiário (with the typed line and barcode of a barcode payment),
// the amount, fee and total debited, the times in Brasília's civil time, the ids and the
// authentication code. Amounts print as "R$ 1.234,56" and CPF/CNPJ with their mask. Text is real
// text (embedded Go fonts, a subset with a Unicode map), so it can be copied and searched.
//
// It refuses, with Validate's error and before writing anything, a receipt that cannot be
// issued. The same receipt always gives the same bytes. The PDF is built in memory (some 40 KB)
// and written to w in one piece; an error from w is returned as is.
func (r Receipt) WritePDF(w io.Writer) error {
	if err := r.Validate(); err != nil {
		return err
	}
	p, err := newPage(r)
	if err != nil {
		return fmt.Errorf("receipts: start PDF: %w", err)
	}
	p.header(r)
	p.amountBox(r)
	p.party("Pagador", r.Payer)
	if r.Kind.IsBarcode() {
		code, _ := r.paidCode() // validated above
		p.barcodeBeneficiary(r, code)
	} else {
		p.party("Favorecido", r.Beneficiary)
	}
	p.details(r)
	if r.Refund != nil {
		p.refund(*r.Refund)
	}
	p.authentication(r)
	p.footer()
	if p.err != nil {
		return fmt.Errorf("receipts: render PDF: %w", p.err)
	}
	_, err = p.pdf.WriteTo(w)
	return err
}

// Layout, in points on an A4 page (595 × 842).
const (
	pageW      = 595.0
	pageH      = 842.0
	margin     = 48.0
	contentW   = pageW - 2*margin
	labelW     = 150.0
	valueX     = margin + labelW
	valueW     = contentW - labelW
	lineHeight = 13.0
	rowGap     = 2.5

	// footerTop is where the footer's rule runs: the body must end above it. The longest
	// receipt (two-line names and institutions, a four-line description, every time) ends
	// some 20 points above it.
	footerTop = pageH - 54

	// maxDescriptionLines keeps a long description from pushing the page over.
	maxDescriptionLines = 4
)

// Font families registered in every document.
const (
	regular  = "regular"
	bold     = "bold"
	mono     = "mono"
	monoBold = "monobold"
)

type rgb struct{ r, g, b uint8 }

var (
	brand     = rgb{0x0B, 0x5D, 0x55} // Ponte's teal
	ink       = rgb{0x1F, 0x29, 0x33}
	muted     = rgb{0x5F, 0x6B, 0x76}
	rule      = rgb{0xD5, 0xDB, 0xE1}
	panel     = rgb{0xF2, 0xF6, 0xF6}
	onBrand   = rgb{0xFF, 0xFF, 0xFF}
	brandSoft = rgb{0xCF, 0xE6, 0xE2}
)

// page draws on the one page of a receipt, top to bottom. The first error sticks and every later
// call does nothing, so drawing code reads as a layout rather than as error handling.
type page struct {
	pdf  *gopdf.GoPdf
	y    float64 // top of the next block
	size float64 // current font size
	err  error
}

func newPage(r Receipt) (*page, error) {
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4, Unit: gopdf.UnitPT})
	pdf.SetInfo(gopdf.PdfInfo{
		Title:   r.title() + " – " + r.PaymentID.String(),
		Subject: r.Kind.Description(),
		Author:  "Ponte",
		Creator: "Ponte",
	})
	for _, f := range []struct {
		family string
		ttf    []byte
	}{{regular, goregular.TTF}, {bold, gobold.TTF}, {mono, gomono.TTF}, {monoBold, gomonobold.TTF}} {
		if err := pdf.AddTTFFontData(f.family, f.ttf); err != nil {
			return nil, err
		}
	}
	pdf.AddPage()
	return &page{pdf: pdf}, nil
}

func (p *page) font(family string, size float64, c rgb) {
	if p.err != nil {
		return
	}
	p.err = p.pdf.SetFont(family, "", size)
	p.size = size
	p.pdf.SetTextColor(c.r, c.g, c.b)
}

// text writes s on one line in the box of width w whose top is y, aligned gopdf.Left or Right.
func (p *page) text(x, y, w float64, s string, align int) {
	if p.err != nil || s == "" {
		return
	}
	p.pdf.SetXY(x, y)
	p.err = p.pdf.CellWithOption(&gopdf.Rect{W: w, H: p.size * 1.2}, s, gopdf.CellOption{Align: align | gopdf.Top})
}

// lines splits s into lines of at most width w in the current font, at spaces where it can.
func (p *page) lines(s string, w float64) []string {
	if p.err != nil || s == "" {
		return nil
	}
	ls, err := p.pdf.SplitTextWithWordWrap(s, w)
	if err != nil {
		p.err = err
	}
	return ls
}

func (p *page) fill(x, y, w, h float64, c rgb) {
	p.pdf.SetFillColor(c.r, c.g, c.b)
	p.pdf.RectFromUpperLeftWithStyle(x, y, w, h, "F")
}

func (p *page) hline(y float64, c rgb, width float64) {
	p.pdf.SetStrokeColor(c.r, c.g, c.b)
	p.pdf.SetLineWidth(width)
	p.pdf.Line(margin, y, pageW-margin, y)
}

func (p *page) header(r Receipt) {
	p.fill(0, 0, pageW, 56, brand)
	p.font(bold, 22, onBrand)
	p.text(margin, 16, 200, "Ponte", gopdf.Left)
	p.font(regular, 9, brandSoft)
	p.text(pageW-margin-250, 18, 250, "Conta digital para empresas", gopdf.Right)
	p.text(pageW-margin-250, 30, 250, "Comprovante eletrônico", gopdf.Right)

	p.font(bold, 20, ink)
	p.text(margin, 76, contentW, r.title(), gopdf.Left)
	p.font(regular, 11, muted)
	p.text(margin, 101, contentW, r.Kind.Description(), gopdf.Left)
	p.y = 124
}

func (p *page) amountBox(r Receipt) {
	const h = 58.0
	p.fill(margin, p.y, contentW, h, panel)
	p.fill(margin, p.y, 4, h, brand)
	p.font(regular, 9, muted)
	p.text(margin+18, p.y+10, 200, "Valor", gopdf.Left)
	p.font(bold, 22, ink)
	p.text(margin+18, p.y+23, 240, FormatBRL(r.Amount), gopdf.Left)

	right := margin + contentW/2
	label, when := "Data/hora", FormatTime(r.FinishedAt)
	switch {
	case r.covers() == CoversScheduling:
		label, when = "Agendado para", FormatDate(r.ScheduledTo)
	case r.Refund != nil:
		label, when = "Devolvido em", FormatTime(r.Refund.At)
	}
	p.font(regular, 9, muted)
	p.text(right, p.y+10, contentW/2-16, label, gopdf.Left)
	p.font(bold, 10, ink)
	p.text(right, p.y+24, contentW/2-16, when, gopdf.Left)
	p.y += h + 8
}

func (p *page) section(title string) {
	p.y += 12
	p.font(bold, 11, brand)
	p.text(margin, p.y, contentW, title, gopdf.Left)
	p.y += 16
	p.hline(p.y, rule, 0.7)
	p.y += 6
}

// row writes a label and its value, the value wrapped onto as many lines as it needs, at most
// maxLines (the last one then cut with an ellipsis). A value with nothing printable in it writes
// nothing, not even its label.
func (p *page) row(label, value string, valueFont string, maxLines int) {
	size := 10.0
	if valueFont == mono || valueFont == monoBold {
		size = 9.5
	}
	p.font(valueFont, size, ink)
	ls := p.lines(p.printable(value), valueW)
	if len(ls) == 0 {
		return
	}
	if len(ls) > maxLines {
		ls = ls[:maxLines]
		ls[maxLines-1] = p.ellipsize(ls[maxLines-1], valueW)
	}
	p.font(regular, 9, muted)
	p.text(margin, p.y+1, labelW-8, label, gopdf.Left)
	p.font(valueFont, size, ink)
	for i, l := range ls {
		p.text(valueX, p.y+float64(i)*lineHeight, valueW, l, gopdf.Left)
	}
	p.y += float64(len(ls))*lineHeight + rowGap
}

// printable makes free text (names, descriptions) safe to set in the current font: runs of
// spaces, tabs and line breaks become one space, other control characters are dropped, and a
// character the font cannot draw (an emoji, CJK) becomes "?" rather than an invisible glyph.
func (p *page) printable(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		if ok, err := p.pdf.IsCurrFontContainGlyph(r); err != nil || !ok {
			return '?'
		}
		return r
	}, s)
}

// ellipsize ends l with "…", dropping characters until it fits in w.
func (p *page) ellipsize(l string, w float64) string {
	rs := []rune(strings.TrimRight(l, " .,;:"))
	for len(rs) > 0 {
		s := string(rs) + "…"
		if width, err := p.pdf.MeasureTextWidth(s); err != nil || width <= w {
			return s
		}
		rs = rs[:len(rs)-1]
	}
	return "…"
}

// party writes the payer, or the favorecido of a transfer (a barcode payment's beneficiary is
// written by barcodeBeneficiary). Fields left empty are left off.
func (p *page) party(title string, who Party) {
	p.section(title)
	p.row("Nome", who.Name, bold, 2)
	label, doc := documentRow(who)
	p.row(label, doc, regular, 1)
	p.row("Instituição", institution(who), regular, 2)
	p.row(accountRow(who))
}

func (p *page) barcodeBeneficiary(r Receipt, code paidCode) {
	p.section("Beneficiário")
	name := r.Beneficiary.Name
	if name == "" {
		name = "Não informado"
	}
	p.row("Nome", name, bold, 2)
	label, doc := documentRow(r.Beneficiary)
	p.row(label, doc, regular, 1)
	p.row("Instituição", institution(r.Beneficiary), regular, 2)
	if r.Kind == BoletoPayment {
		p.row("Banco emissor", code.issuer, regular, 1)
	} else {
		p.row("Segmento", code.issuer, regular, 1)
	}
	p.row("Vencimento", FormatDate(r.Barcode.DueDate), regular, 1)
	p.row("Linha digitável", code.line, mono, 1)
	p.row("Código de barras", code.barcode, mono, 1)
}

func (p *page) details(r Receipt) {
	p.section("Dados da operação")
	p.row("Valor", FormatBRL(r.Amount), regular, 1)
	p.row("Tarifa", FormatBRL(r.Fee), regular, 1)
	total, description := "Total debitado", maxDescriptionLines
	switch {
	case r.covers() == CoversScheduling:
		total = "Total a debitar" // on the day: nothing has moved yet
	case r.Refund != nil:
		description = 1 // room for the refund's section on the one page
	}
	p.row(total, FormatBRL(r.TotalDebited()), bold, 1)
	p.row("Descrição", r.Description, regular, description)
	if !r.CreatedAt.IsZero() {
		p.row("Solicitado em", FormatTime(r.CreatedAt), regular, 1)
	}
	p.row("Agendado para", FormatDate(r.ScheduledTo), regular, 1)
	if !r.FinishedAt.IsZero() {
		p.row("Efetivado em", FormatTime(r.FinishedAt), regular, 1)
	}
	p.row("ID do pagamento", r.PaymentID.String(), mono, 1)
	if r.LedgerTransactionID != uuid.Nil {
		p.row("ID da transação", r.LedgerTransactionID.String(), mono, 1)
	}
}

// refund writes the section of a returned payment: when, how much came back, why.
func (p *page) refund(f Refund) {
	p.section("Devolução")
	p.row("Devolvido em", FormatTime(f.At), regular, 1)
	p.row("Valor devolvido", FormatBRL(f.Amount), bold, 1)
	p.row("Motivo", f.Reason, regular, 1)
	p.row("ID da devolução", f.TransactionID.String(), mono, 1)
}

// authentication writes the code and says where and how to confirm it "na Ponte": the web
// address (VerifyAt) and the public GraphQL query verifyReceipt, neither of which needs a login.
func (p *page) authentication(r Receipt) {
	where := "a consulta pública verifyReceipt da API GraphQL da Ponte (sem login)"
	if r.VerifyAt != "" {
		where = r.VerifyAt + " ou " + where
	}
	p.font(regular, 8, muted)
	note := p.lines("Confirme a autenticidade deste comprovante na Ponte: em "+where+", informando o código de autenticação acima.", contentW-32)
	h := 44.0 + float64(len(note))*10
	p.y += 14
	p.fill(margin, p.y, contentW, h, panel)
	p.pdf.SetStrokeColor(rule.r, rule.g, rule.b)
	p.pdf.SetLineWidth(0.7)
	p.pdf.RectFromUpperLeftWithStyle(margin, p.y, contentW, h, "D")
	p.font(bold, 10, brand)
	p.text(margin+16, p.y+9, contentW-32, "Autenticação", gopdf.Left)
	p.font(monoBold, 13, ink)
	p.text(margin+16, p.y+23, contentW-32, r.AuthenticationCode, gopdf.Left)
	p.font(regular, 8, muted)
	for i, l := range note {
		p.text(margin+16, p.y+42+float64(i)*10, contentW-32, l, gopdf.Left)
	}
	p.y += h
}

func (p *page) footer() {
	p.hline(footerTop, rule, 0.5)
	p.font(regular, 8, muted)
	p.text(margin, footerTop+8, contentW, "Documento gerado eletronicamente; dispensa assinatura.", gopdf.Center)
	p.text(margin, footerTop+19, contentW, "Horários em horário de Brasília. Valores em reais (R$).", gopdf.Center)
}

// documentRow labels and masks a party's CPF or CNPJ. A document that does not parse is shown
// as given rather than hidden: the receipt reports what was paid.
func documentRow(who Party) (label, value string) {
	if who.Document == "" {
		return "", ""
	}
	d, err := brazil.ParseDocument(who.Document, who.DocumentType)
	if err != nil {
		return "CPF/CNPJ", who.Document
	}
	return string(d.Type), d.Formatted()
}

// institution is "197 – STONE IP S.A. · ISPB 16501555"; the COMPE code and the ISPB are left
// out when unknown (many institutions have no COMPE code).
func institution(who Party) string {
	s := who.InstitutionName
	if who.InstitutionCode != "" {
		s = strings.TrimSuffix(who.InstitutionCode+" – "+s, " – ")
	}
	if who.InstitutionISPB != "" {
		s = strings.TrimPrefix(s+" · ISPB "+who.InstitutionISPB, " · ")
	}
	return s
}

// accountRow is the branch and account with the account type in words:
// "0001 / 1234567-8 (conta de pagamento)". A payment account (PG) may have no branch.
func accountRow(who Party) (label, value, font string, maxLines int) {
	if who.AccountCode == "" {
		return "", "", regular, 1
	}
	label, value = "Conta", who.AccountCode
	if who.BranchCode != "" {
		label, value = "Agência / Conta", who.BranchCode+" / "+who.AccountCode
	}
	if t := accountTypeName(who.AccountType); t != "" {
		value += " (" + t + ")"
	}
	return label, value, regular, 1
}

// accountTypeName names the STR account types of DOMAIN.md §6.4.
func accountTypeName(t string) string {
	switch t {
	case "CC":
		return "conta corrente"
	case "CD":
		return "conta de depósito"
	case "CG":
		return "conta garantida"
	case "CI":
		return "conta de investimento"
	case "PG":
		return "conta de pagamento"
	case "PP":
		return "conta poupança"
	}
	return ""
}
