package email

import (
	"context"
	"fmt"

	"meldpunt/internal/app"
)

// Mailer is the outbox's email channel (app.Mailer): it renders a notification's email in
// the recipient's language and hands it to a transport, SMTP or .eml files.
type Mailer struct {
	transport Sender
	render    *Renderer
}

var _ app.Mailer = (*Mailer)(nil)

// NewMailer returns the email channel: messages rendered by r, sent by transport.
func NewMailer(transport Sender, r *Renderer) *Mailer {
	return &Mailer{transport: transport, render: r}
}

// Send renders e and sends it. A message that cannot be rendered is a permanent failure:
// the outbox sets it aside instead of trying again.
func (m *Mailer) Send(ctx context.Context, e app.Email) (string, error) {
	msg, err := m.message(e)
	if err != nil {
		return "", err
	}
	return m.transport.Send(ctx, msg)
}

// message renders e into the Message a transport sends; Send and Preview share it.
func (m *Mailer) message(e app.Email) (Message, error) {
	to := Address{Name: e.To.Name, Email: e.To.Email}
	subject, text, html, err := m.render.Render(Data{
		Kind: e.Kind, Locale: string(e.Locale), Product: e.Product, To: to,
		Number: e.Number, Title: e.Title, IncidentURL: e.IncidentURL, Payload: e.Payload,
		ConfirmURL: e.ConfirmURL, RejectURL: e.RejectURL,
		PreferencesURL: e.PreferencesURL, Optional: e.Optional,
	})
	if err != nil {
		return Message{}, app.Permanent(fmt.Errorf("render: %w", err))
	}
	return Message{
		From: Address{Name: e.From.Name, Email: e.From.Email}, To: to, ReplyTo: e.ReplyTo,
		Subject: subject, Text: text, HTML: html,
		MessageID: e.MessageID, InReplyTo: e.InReplyTo, References: e.References, Date: e.Date,
		Headers: e.Headers,
	}, nil
}

// Describe says where the transport sends messages.
func (m *Mailer) Describe() string { return m.transport.Describe() }
