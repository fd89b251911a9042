package console

import (
	"net/http"
	"net/url"
)

// A form that did its work goes on to a page (post/redirect/get), which says so once: the
// flash. It travels in a short-lived cookie that scripts cannot read and other sites cannot
// send along, holding a code from flashes (never a text), the argument the text takes,
// and the path of the page that shows it. The page shows it with role="status" in its own
// language, and removes it.

// flash is the message of a successful form: a code of flashes and its argument.
type flash struct {
	code, arg string
}

// flashText is how a code reads: its catalog key, which takes the argument when there is
// one, translated with the vocabulary family when that is set.
type flashText struct {
	key, family string
}

// flashes are the codes a flash may carry; a cookie with another code is ignored.
var flashes = map[string]flashText{
	"reply":             {key: "flash.reply"},
	"note":              {key: "flash.note"},
	"transition":        {key: "flash.transition", family: "state"},
	"assign":            {key: "flash.assign"},
	"approve":           {key: "flash.approve"},
	"reclassify":        {key: "flash.reclassify"},
	"classify":          {key: "flash.classify"},
	"attach":            {key: "flash.attach"},
	"change_created":    {key: "flash.change_created"},
	"change_transition": {key: "flash.transition", family: "change_state"},
	"change_edit":       {key: "flash.change_edit"},
	"change_link":       {key: "flash.change_link"},
	"change_unlink":     {key: "flash.change_unlink"},
	"setup":             {key: "flash.setup"},
	"reset":             {key: "login.reset_done"},
	"logout":            {key: "login.signed_out"},
	"prefs":             {key: "prefs.saved"},
	"calendar":          {key: "calendars.saved"},
	"supplier_created":  {key: "suppliers.created"},
	"supplier_saved":    {key: "suppliers.saved"},
	"retried":           {key: "outbox.retried"},
	"webhook_saved":     {key: "webhooks.saved"},
	"webhook_tested":    {key: "webhooks.tested"},
	"webhook_deleted":   {key: "webhooks.deleted"},
	"questionnaire":     {key: "flash.questionnaire"},
	"password":          {key: "account_password.changed"},
	"page_saved":        {key: "brand.saved"},
	"logo_saved":        {key: "brand.logo_saved"},
	"logo_deleted":      {key: "brand.logo_deleted"},
	"pub_created":       {key: "pubdesk.created"},
	"pub_updated":       {key: "pubdesk.updated"},
	"pub_resolved":      {key: "pubdesk.resolved"},
	"pub_postmortem":    {key: "pubdesk.postmortem_saved"},
	"template_saved":    {key: "templates.saved"},
	"template_deleted":  {key: "templates.deleted"},
	"monitor_created":   {key: "monitors.created"},
	"monitor_saved":     {key: "monitors.saved"},
	"monitor_deleted":   {key: "monitors.deleted"},
	"monitoring_saved":  {key: "monitors.monitoring_saved"},
}

// flashCookie names the cookie of the flash.
const flashCookie = "meldpunt_flash"

// redirect goes on to the outcome's page (303), with its flash when it has one.
func (h *handler) redirect(w http.ResponseWriter, r *http.Request, out outcome) {
	if out.flash.code != "" {
		to, err := url.Parse(out.to)
		if err == nil {
			val := url.Values{"c": {out.flash.code}, "p": {to.Path}}
			if out.flash.arg != "" {
				val.Set("a", out.flash.arg)
			}
			http.SetCookie(w, &http.Cookie{
				Name: flashCookie, Value: val.Encode(), Path: "/", MaxAge: 60,
				HttpOnly: true, Secure: h.secureFor(r), SameSite: http.SameSiteLaxMode,
			})
		}
	}
	http.Redirect(w, r, out.to, http.StatusSeeOther)
}

// takeFlash sets the notice of a GET page from the request's flash, when it is meant for
// this page; render then removes the cookie.
func (v *view) takeFlash(r *http.Request) {
	c, err := r.Cookie(flashCookie)
	if err != nil || r.Method != http.MethodGet {
		return
	}
	val, err := url.ParseQuery(c.Value)
	if err != nil || val.Get("p") != r.URL.Path {
		return
	}
	ft, ok := flashes[val.Get("c")]
	if !ok {
		return
	}
	arg := val.Get("a")
	switch {
	case ft.family != "":
		v.Notice = v.T(ft.key, v.Label(ft.family, arg))
	case arg != "":
		v.Notice = v.T(ft.key, arg)
	default:
		v.Notice = v.T(ft.key)
	}
	v.flashTaken = true
}

// clearFlash removes the flash cookie.
func clearFlash(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
}
