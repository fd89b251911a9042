package desk

import (
	"strconv"
	"time"
)

// Subscriber is a visitor who follows the public status page by email (issue 11): in one
// language, to every public component or to chosen ones. Nothing but the confirmation
// message reaches the address before ConfirmedAt is set (double opt-in). Secret is mixed
// into the MAC of the subscriber's links, so that links made for an earlier subscription of
// the same address never work for a later one.
type Subscriber struct {
	ID     int64
	Email  string // lower case
	Locale Locale
	// All follows every public component; otherwise ComponentIDs are the chosen ones.
	All          bool
	ComponentIDs []int64
	Secret       string
	ConfirmedAt  *time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Confirmed tells whether the subscriber confirmed the address.
func (s Subscriber) Confirmed() bool { return s.ConfirmedAt != nil }

// MaxSubscriberComponents bounds the components one subscriber may choose.
const MaxSubscriberComponents = 200

// Notification kinds of the status page's email subscribers; the payload of
// NotifySubscriberNotice holds "notice" (the desk.StatusNoticeKind), "name", "body" (the
// Markdown source), "status", "impact", "at" and, for a maintenance, "starts_at" and
// "ends_at", in the subscriber's language. The links (confirm, manage, unsubscribe, the
// status page) are added when the message is composed: they are never stored.
const (
	NotifySubscriberConfirm = "subscriber_confirm" // the double opt-in: the confirmation link
	NotifySubscriberManage  = "subscriber_manage"  // a confirmed address signed up again: its manage link
	NotifySubscriberNotice  = "subscriber_notice"  // a status notice
)

// IsSubscriberKind tells whether a notification kind goes to a status page subscriber.
func IsSubscriberKind(kind string) bool {
	return kind == NotifySubscriberConfirm || kind == NotifySubscriberManage || kind == NotifySubscriberNotice
}

// SubscriberInput is what a visitor sends to subscribe or to change a subscription.
type SubscriberInput struct {
	Email  string
	Locale string
	// All follows everything; otherwise Components are the chosen public components' ids,
	// as sent (text, so a bad one is named).
	All        bool
	Components []string
}

// Validate checks the input against the public components that may be chosen, and returns
// the normalised locale and component ids. withEmail says whether the email is checked
// (a subscription's address does not change).
func (in SubscriberInput) Validate(withEmail bool, public map[int64]bool) (Locale, []int64, error) {
	var v Validator
	if withEmail {
		v.Email("email", in.Email)
	}
	v.OneOf("locale", in.Locale, true, []string{string(LocaleNL), string(LocaleEN)})
	var ids []int64
	seen := map[int64]bool{}
	if len(in.Components) > MaxSubscriberComponents {
		v.Add("components", "max_items", "may hold at most %d components", MaxSubscriberComponents)
	}
	for _, c := range in.Components {
		if len(ids) >= MaxSubscriberComponents {
			break
		}
		id, err := strconv.ParseInt(c, 10, 64)
		if err != nil || !public[id] {
			v.Add("components", "exists", "no public component has this id")
			break
		}
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	if !in.All && len(ids) == 0 && !v.Has("components") {
		v.Add("components", "required", "choose at least one component, or everything")
	}
	if in.All {
		ids = nil
	}
	return Locale(in.Locale), ids, v.Err()
}
