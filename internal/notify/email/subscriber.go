package email

import (
	"fmt"
	"strings"
)

// The status page's emails to its subscribers (issue 11): the confirmation of a sign-up,
// the manage link for an address that signed up again, and the notices of incidents and
// maintenance. They are about no incident of the desk, so they carry no number and no
// reply line; the links (confirm, manage, unsubscribe, the status page) come in the
// payload, added when the message is composed.

// subscriberConfirm asks the visitor to confirm the subscription.
func (r *draft) subscriberConfirm() string {
	r.para("subscriber_confirm.intro")
	r.links(link{Label: r.t("subscriber_confirm.button"), URL: r.str("confirm_url"), Primary: true})
	if n, ok := r.int("hours"); ok && n > 0 {
		r.v.Hours = fmt.Sprint(n)
		r.paraN("subscriber_confirm.expires", n)
	}
	r.para("subscriber_confirm.ignore")
	return "subscriber_confirm.subject"
}

// subscriberManage gives a confirmed subscriber who signed up again the manage link.
func (r *draft) subscriberManage() string {
	r.para("subscriber_manage.intro")
	r.links(link{Label: r.t("subscriber.manage"), URL: r.str("manage_url"), Primary: true},
		link{Label: r.t("subscriber.unsubscribe"), URL: r.str("unsubscribe_url")},
		link{Label: r.t("subscriber_notice.view"), URL: r.str("status_url")})
	r.para("subscriber_manage.ignore")
	return "subscriber_manage.subject"
}

// subscriberNotice tells of an incident or a maintenance: what happened, its status and
// impact (or window), the message as written (Markdown source), the link to the status
// page, and how to manage or end the subscription.
func (r *draft) subscriberNotice() string {
	notice := strings.TrimPrefix(r.str("notice"), "status.")
	known := map[string]bool{"incident.created": true, "incident.updated": true, "incident.resolved": true,
		"incident.postmortem": true, "maintenance.scheduled": true, "maintenance.reminder": true,
		"maintenance.started": true, "maintenance.completed": true}
	if !known[notice] {
		notice = "incident.updated"
	}
	r.v.Title = oneLine(r.str("name"))
	r.para("subscriber_notice." + notice)
	status := r.str("status")
	facts := []fact{{"subscriber_notice.label.status", r.label("mail.subscriber_notice.status", status)}}
	if i := r.str("impact"); i != "" && i != "none" && strings.HasPrefix(notice, "incident.") {
		facts = append(facts, fact{"subscriber_notice.label.impact", r.label("mail.subscriber_notice.impact", i)})
	}
	facts = append(facts, fact{"subscriber_notice.label.starts", r.date("starts_at")},
		fact{"subscriber_notice.label.ends", r.date("ends_at")})
	r.facts(facts...)
	r.quote(r.str("body"))
	r.links(link{Label: r.t("subscriber_notice.view"), URL: r.str("status_url"), Primary: true})
	r.subscriberFooter()
	return "subscriber_notice.subject." + notice
}

// subscriberFooter says why the message came and links to managing and ending the
// subscription.
func (r *draft) subscriberFooter() {
	if r.str("manage_url") == "" && r.str("unsubscribe_url") == "" {
		return
	}
	r.para("subscriber.why")
	r.links(link{Label: r.t("subscriber.manage"), URL: r.str("manage_url")},
		link{Label: r.t("subscriber.unsubscribe"), URL: r.str("unsubscribe_url")})
}

// links adds a block of the links that have a URL.
func (r *draft) links(ls ...link) {
	var out []link
	for _, l := range ls {
		if l.URL != "" {
			out = append(out, l)
		}
	}
	if len(out) > 0 {
		r.blocks = append(r.blocks, block{Kind: "links", Links: out})
	}
}
