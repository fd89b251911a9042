// Package webhook delivers Meldpunt's outgoing webhooks, one HTTP attempt at a time; the
// app layer's outbox decides when to try (again) and records what Post reports.
//
// A message goes in one of two formats. FormatStandard sends the event JSON as given and
// signs it as Standard Webhooks (https://www.standardwebhooks.com/) prescribes: headers
// webhook-id, webhook-timestamp and webhook-signature, the last holding "v1," and the
// base64 HMAC-SHA256 of "{id}.{timestamp}.{body}" under each secret (two during a secret
// rotation). FormatSlack renders the event as {"text": "..."} for the incoming webhooks of
// Slack, Mattermost and Rocket.Chat, in Dutch or English, with texts taken through the
// Texts interface; it is signed too when secrets are given.
//
// Webhook URLs are typed in by people, so the Sender is a server-side request forgery
// risk: by default it refuses to connect to loopback, private, link-local (cloud
// metadata), CGNAT, multicast and other non-public addresses. It checks the address it
// actually dials, after DNS, so a name that resolves (or is rebound) to such an address is
// refused as well; it ignores proxy settings from the environment, which would otherwise
// connect on its behalf; and it never follows redirects. CheckURL gives the same verdict on
// a URL when it is registered. Options.AllowPrivate switches the address rules off, for
// installations whose receivers live on the internal network (and for tests).
//
// This package imports nothing else of Meldpunt's.
package webhook
