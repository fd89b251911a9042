package console

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"meldpunt/internal/desk"
)

// The status page settings (admins; docs/status-page.md "Branding and settings"):
// /admin/status-page holds the form of the page's title, accent colour, phone number,
// report link, footer, time zone and days of history, and the logo's upload and removal.
// Errors show next to their field with what was typed kept; the messages of the settings'
// own rules (the accent colour's contrast, say) are in the page's language.

// pageSettingFields are the settings form's fields, in page order.
var pageSettingFields = []string{"title", "accent_colour", "phone", "report_url", "footer_text", "footer_url", "time_zone", "history_days"}

// pageSettingsData is the settings page's own data.
type pageSettingsData struct {
	Fields []pageField
	// Logo is the current logo (nil: none), LogoURL its address, LogoErr the upload's error.
	Logo     *desk.Logo
	LogoURL  string
	LogoErr  string
	LogoSize string
}

// pageField is a field of the settings form with its hint (the default or the rule).
type pageField struct {
	formField
	Hint, Type string
}

// pageSettings shows the settings page.
func (h *handler) pageSettings(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	return h.showPageSettings(w, r, a, newView(r, h.rd, "brand.page_title"), http.StatusOK)
}

func (h *handler) showPageSettings(w http.ResponseWriter, r *http.Request, a desk.Actor, v *view, status int) error {
	b, err := h.svc.branding.Get(r.Context(), a)
	if err != nil {
		return err
	}
	s := b.Stored
	values := map[string]string{"title": s.Title, "accent_colour": s.AccentColour, "phone": s.Phone, "report_url": s.ReportURL,
		"footer_text": s.FooterText, "footer_url": s.FooterURL, "time_zone": s.TimeZone}
	if s.HistoryDays != 0 {
		values["history_days"] = strconv.Itoa(s.HistoryDays)
	}
	hints := map[string]string{
		"title":         v.T("brand.hint.title", b.Settings.Title),
		"accent_colour": v.T("brand.hint.accent_colour"),
		"phone":         v.T("brand.hint.phone"),
		"report_url":    v.T("brand.hint.report_url", b.Settings.ReportURL),
		"footer_url":    v.T("brand.hint.footer_url"),
		"time_zone":     v.T("brand.hint.time_zone", desk.DefaultPageZone),
		"history_days":  v.T("brand.hint.history_days", desk.DefaultHistoryDays, desk.MaxHistoryDays),
	}
	types := map[string]string{"phone": "tel", "report_url": "url", "footer_url": "url", "history_days": "number"}
	d := pageSettingsData{Logo: b.Logo, LogoErr: v.Err("logo", "logo")}
	if b.Logo != nil {
		d.LogoURL = "/status/logo?v=" + b.Logo.ETag[:16]
		d.LogoSize = v.Size(int64(b.Logo.Size))
	}
	for _, f := range pageSettingFields {
		val := values[f]
		if v.Form == "page" {
			val = v.Val("page", f)
		}
		typ := types[f]
		if typ == "" {
			typ = "text"
		}
		d.Fields = append(d.Fields, pageField{formField: formField{ID: "page-" + f, Name: f, Label: v.T("brand." + f), Value: val,
			Err: v.Err("page", f)}, Hint: hints[f], Type: typ})
	}
	v.Nav, v.Data = "status-page", d
	h.rd.render(w, r, h.log, status, "pagesettings", v)
	return nil
}

// pageSettingsSubmission shows the page again with form's messages next to its fields.
func (h *handler) pageSettingsSubmission(w http.ResponseWriter, r *http.Request, a desk.Actor, form string, fields []string) submission {
	var fs []fieldRef
	for _, f := range fields {
		fs = append(fs, fld(f, form+"-"+f, "brand."+f))
	}
	return submission{form: form, fields: fs, title: "brand.page_title",
		show: func(v *view, status int) error { return h.showPageSettings(w, r, a, v, status) }}
}

// savePageSettings replaces the settings with the form's.
func (h *handler) savePageSettings(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	return h.submit(w, r, h.pageSettingsSubmission(w, r, a, "page", pageSettingFields), func() (outcome, error) {
		in := desk.PageSettings{
			Title: r.PostFormValue("title"), AccentColour: strings.TrimSpace(r.PostFormValue("accent_colour")),
			Phone: strings.TrimSpace(r.PostFormValue("phone")), ReportURL: strings.TrimSpace(r.PostFormValue("report_url")),
			FooterText: r.PostFormValue("footer_text"), FooterURL: strings.TrimSpace(r.PostFormValue("footer_url")),
			TimeZone: strings.TrimSpace(r.PostFormValue("time_zone")),
		}
		if days := strings.TrimSpace(r.PostFormValue("history_days")); days != "" {
			n, err := strconv.Atoi(days)
			if err != nil || n == 0 {
				n = -1 // not a number of days: the range rule names it
			}
			in.HistoryDays = n
		}
		_, err := h.svc.branding.Put(r.Context(), a, in)
		return outcome{to: "/admin/status-page", flash: flash{code: "page_saved"}}, translated(newView(r, h.rd, "brand.page_title"), err)
	})
}

// uploadPageLogo makes the uploaded file (multipart, field "logo") the page's logo.
func (h *handler) uploadPageLogo(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	return h.submit(w, r, h.pageSettingsSubmission(w, r, a, "logo", []string{"logo"}), func() (outcome, error) {
		var data []byte
		if fs := formFiles(r, "logo"); len(fs) > 0 {
			data = fs[0].Data
		}
		_, err := h.svc.branding.PutLogo(r.Context(), a, data)
		return outcome{to: "/admin/status-page", flash: flash{code: "logo_saved"}}, translated(newView(r, h.rd, "brand.page_title"), err)
	})
}

// deletePageLogo removes the page's logo.
func (h *handler) deletePageLogo(w http.ResponseWriter, r *http.Request, a desk.Actor) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	if err := formCut(r); err != nil {
		return err
	}
	err := h.svc.branding.DeleteLogo(r.Context(), a)
	if err != nil && !desk.IsNotFound(err) {
		return err
	}
	h.redirect(w, r, outcome{to: "/admin/status-page", flash: flash{code: "logo_deleted"}})
	return nil
}

// translated gives the settings' own rules their message in the page's language (the
// catalog's brand.err.<field>.<rule>, with the contrast ratio found where it applies);
// other errors and rules stay as they are.
func translated(v *view, err error) error {
	var e *desk.Error
	if !errors.As(err, &e) || e.Code != desk.EINVALID {
		return err
	}
	out := *e
	out.Fields = append([]desk.FieldError(nil), e.Fields...)
	for i, f := range out.Fields {
		key := "brand.err." + f.Field + "." + f.Rule
		if !v.Has(key) {
			continue
		}
		if f.Rule == "contrast" {
			ratio := firstRatio(f.Message)
			if v.Locale == desk.LocaleNL {
				ratio = strings.ReplaceAll(ratio, ".", ",")
			}
			out.Fields[i].Message = v.T(key, ratio)
		} else {
			out.Fields[i].Message = v.T(key)
		}
		// The rule has no catalog text of its own now: fieldMessage shows the message.
		out.Fields[i].Rule = "brand_" + f.Rule
	}
	return &out
}

// firstRatio finds the "n.nn" of a "n.nn:1" in a message.
func firstRatio(msg string) string {
	i := strings.Index(msg, ":1")
	if i < 0 {
		return "?"
	}
	j := strings.LastIndexByte(msg[:i], ' ')
	return msg[j+1 : i]
}
