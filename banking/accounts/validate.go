package accounts

import (
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/brazil"
)

// CreateInput is what opening an account needs.
type CreateInput struct {
	Name         string
	Email        string
	Document     string
	DocumentType brazil.DocumentType // "" infers it from the document
	MobileNumber *string
	DateOfBirth  *time.Time // birth (PF) or foundation (PJ)
	AccountType  string     // "PG" (default) or "CC"
	Username     *string    // the holder's login name (optional): see validUsername
	// Representatives may act for a company (CNPJ) account: log in and grant consent.
	Representatives []Representative
}

// Representative is a person who may act for a company account.
type Representative struct {
	Name     string
	Document string // CPF
}

// validated is CreateInput after every rule passed, in canonical form.
type validated struct {
	name, email, accountType string
	username                 *string
	doc                      brazil.Document
	mobile                   *string
	dateOfBirth              *time.Time
	representatives          []Representative
}

// validate checks every field and reports all problems at once, each with its field name.
func validate(in CreateInput, today time.Time) (validated, error) {
	var v validated
	var errs apperr.List

	v.name = strings.Join(strings.Fields(in.Name), " ")
	switch n := utf8.RuneCountInString(v.name); {
	case n == 0:
		errs = append(errs, apperr.Field(apperr.Required, []string{"name"}, "name is required"))
	case n < 2 || n > 200:
		errs = append(errs, apperr.Field(apperr.Invalid, []string{"name"}, "name must have 2 to 200 characters"))
	}

	email, err := validEmail(in.Email)
	if err != nil {
		errs = append(errs, err.(*apperr.Error))
	}
	v.email = email

	if strings.TrimSpace(in.Document) == "" {
		errs = append(errs, apperr.Field(apperr.Required, []string{"document"}, "document (CPF or CNPJ) is required"))
	} else if doc, err := brazil.ParseDocument(in.Document, in.DocumentType); err != nil {
		errs = append(errs, apperr.Field(apperr.InvalidDocument, []string{"document"}, "%s", err.Error()))
	} else {
		v.doc = doc
	}

	if in.Username != nil && strings.TrimSpace(*in.Username) != "" {
		u := strings.ToLower(strings.TrimSpace(*in.Username))
		if !validUsername.MatchString(u) {
			errs = append(errs, apperr.Field(apperr.Invalid, []string{"username"}, "username must have 3 to 32 characters among a-z, 0-9, '.', '_' and '-', starting with a letter"))
		}
		v.username = &u
	}

	if in.MobileNumber != nil && strings.TrimSpace(*in.MobileNumber) != "" {
		m, err := brazil.ParseMobile(*in.MobileNumber)
		if err != nil {
			errs = append(errs, apperr.Field(apperr.Invalid, []string{"mobileNumber"}, "%s", err.Error()))
		}
		v.mobile = &m
	}

	if d := in.DateOfBirth; d != nil {
		day := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
		switch {
		case day.After(today):
			errs = append(errs, apperr.Field(apperr.Invalid, []string{"dateOfBirth"}, "dateOfBirth must not be in the future"))
		case day.Year() < 1900:
			errs = append(errs, apperr.Field(apperr.Invalid, []string{"dateOfBirth"}, "dateOfBirth must not be before 1900"))
		case v.doc.Type == brazil.CPF && !adult(day, today):
			// A minor cannot hold a payment account alone (Código Civil, art. 5: full capacity at
			// 18); the schema promises it. A company's foundation date has no minimum age.
			errs = append(errs, apperr.Field(apperr.Invalid, []string{"dateOfBirth"}, "a person (CPF) must be at least 18 years old to open an account"))
		}
		v.dateOfBirth = &day
	}

	for i, r := range in.Representatives {
		field := []string{"representatives", fmt.Sprint(i), "document"}
		cpf, err := brazil.ParseCPF(r.Document)
		name := strings.Join(strings.Fields(r.Name), " ")
		switch {
		case v.doc.Type == brazil.CPF:
			errs = append(errs, apperr.Field(apperr.Invalid, []string{"representatives"}, "only a company (CNPJ) account has representatives"))
		case err != nil:
			errs = append(errs, apperr.Field(apperr.InvalidDocument, field, "%s", err.Error()))
		case name == "":
			errs = append(errs, apperr.Field(apperr.Required, []string{"representatives", fmt.Sprint(i), "name"}, "a representative's name is required"))
		default:
			v.representatives = append(v.representatives, Representative{Name: name, Document: cpf.Number})
		}
		if v.doc.Type == brazil.CPF {
			break
		}
	}

	switch in.AccountType {
	case "":
		v.accountType = "PG"
	case "PG", "CC":
		v.accountType = in.AccountType
	default:
		errs = append(errs, apperr.Field(apperr.Invalid, []string{"accountType"}, "accountType must be PG (payment account) or CC (checking account)"))
	}
	return v, errs.OrNil()
}

// validUsername is what a username may be once lowercased (the database checks the same).
var validUsername = regexp.MustCompile(`^[a-z][a-z0-9._-]{2,31}$`)

// adult reports whether someone born on birth is 18 or older on today (both calendar dates). Who
// was born on 29 February comes of age on 1 March of a year that has no 29 February.
func adult(birth, today time.Time) bool {
	b := time.Date(birth.Year(), birth.Month(), birth.Day(), 0, 0, 0, 0, time.UTC)
	t := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	return !b.AddDate(18, 0, 0).After(t)
}

// validEmail accepts a bare address (no display name) with a dotted domain, and lower-cases the
// domain, which is case-insensitive; the local part is kept as given.
func validEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	field := []string{"email"}
	if s == "" {
		return "", apperr.Field(apperr.Required, field, "email is required")
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Address != s || addr.Name != "" || len(s) > 254 {
		return "", apperr.Field(apperr.Invalid, field, "email %q is not a valid address", s)
	}
	local, domain, _ := strings.Cut(s, "@")
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") || strings.Contains(domain, "..") || strings.ContainsAny(domain, "[]") {
		return "", apperr.Field(apperr.Invalid, field, "email %q is not a valid address", s)
	}
	return local + "@" + strings.ToLower(domain), nil
}

// ValidEmail is the rule for an email address anywhere in Ponte (a contact's too): a bare address
// with a dotted domain, returned with the domain lower-cased. Errors: REQUIRED, INVALID at ["email"].
func ValidEmail(s string) (string, error) { return validEmail(s) }
