package app

import (
	"context"
	"encoding/json"
	"fmt"

	"meldpunt/internal/desk"
)

// settingPage holds the status page's settings as JSON. Its name starts with
// "status_page.", so writing it moves the page's change counter (migration 11).
const settingPage = "status_page.settings"

// Branding keeps the public status page's branding and settings (issue 11, point 8): its
// title, logo, accent colour, phone number, report link, footer, time zone and days of
// history. Everyone may read what the page shows; staff read the settings; admins change them.
type Branding struct {
	*core
	db txn[brandingTx]
}

// brandingTx is what Branding reads and writes.
type brandingTx interface {
	AuditStore
	OrganisationStore
	PageStore
	SettingStore
}

// PageBrand is the status page's branding: the settings as stored (empty fields take the
// defaults), the same with the defaults filled in, and the logo without its bytes (nil
// when there is none).
type PageBrand struct {
	Stored   desk.PageSettings
	Settings desk.PageSettings
	Logo     *desk.Logo
}

// Page reads what the public page shows of its branding; it needs no actor.
func (b *Branding) Page(ctx context.Context) (p PageBrand, err error) {
	err = b.db.read(ctx, func(tx brandingTx) error {
		p, err = b.brand(ctx, tx)
		return err
	})
	return p, err
}

// Get reads the settings for staff.
func (b *Branding) Get(ctx context.Context, actor desk.Actor) (PageBrand, error) {
	if !actor.System && !actor.Role.IsStaff() {
		return PageBrand{}, forbidden("read the status page settings")
	}
	return b.Page(ctx)
}

func (b *Branding) brand(ctx context.Context, tx brandingTx) (PageBrand, error) {
	var p PageBrand
	raw, err := tx.Setting(ctx, settingPage)
	switch {
	case desk.IsNotFound(err):
	case err != nil:
		return p, err
	default:
		if err := json.Unmarshal([]byte(raw), &p.Stored); err != nil {
			return p, fmt.Errorf("stored status page settings: %w", err)
		}
	}
	provider := ""
	if p.Stored.Title == "" {
		orgs, err := tx.Organisations(ctx, desk.OrgProvider)
		if err != nil {
			return p, err
		}
		if len(orgs) > 0 {
			provider = orgs[0].Name
		}
	}
	p.Settings = p.Stored.Resolve(provider, b.cfg.BaseURL)
	l, err := tx.PageLogo(ctx)
	switch {
	case desk.IsNotFound(err):
	case err != nil:
		return p, err
	default:
		l.Data = nil
		p.Logo = &l
	}
	return p, nil
}

// Put replaces the settings; only admins may. Empty fields take the defaults.
func (b *Branding) Put(ctx context.Context, actor desk.Actor, s desk.PageSettings) (p PageBrand, err error) {
	if err := requireAdmin(actor, "change the status page settings"); err != nil {
		return p, err
	}
	if err := s.Validate(); err != nil {
		return p, err
	}
	err = b.db.write(ctx, func(tx brandingTx) error {
		before, err := b.brand(ctx, tx)
		if err != nil {
			return err
		}
		if err := tx.PutSetting(ctx, settingPage, mustJSON(s)); err != nil {
			return err
		}
		if err := audit(ctx, tx, actor, b.clock(), "setting", 0, nil, "status_page", before.Stored, s); err != nil {
			return err
		}
		p, err = b.brand(ctx, tx)
		return err
	})
	return p, err
}

// PutLogo checks an image (desk.NewLogo) and makes it the page's logo; only admins may.
func (b *Branding) PutLogo(ctx context.Context, actor desk.Actor, data []byte) (desk.Logo, error) {
	if err := requireAdmin(actor, "change the status page logo"); err != nil {
		return desk.Logo{}, err
	}
	l, err := desk.NewLogo(data, b.clock())
	if err != nil {
		return l, err
	}
	err = b.db.write(ctx, func(tx brandingTx) error {
		if err := tx.PutPageLogo(ctx, l); err != nil {
			return err
		}
		return audit(ctx, tx, actor, l.UpdatedAt, "setting", 0, nil, "status_page_logo", nil, logoAudit(l))
	})
	l.Data = nil
	return l, err
}

// DeleteLogo removes the page's logo; only admins may. ENOTFOUND when there is none.
func (b *Branding) DeleteLogo(ctx context.Context, actor desk.Actor) error {
	if err := requireAdmin(actor, "change the status page logo"); err != nil {
		return err
	}
	return b.db.write(ctx, func(tx brandingTx) error {
		if err := tx.DeletePageLogo(ctx); err != nil {
			return err
		}
		return audit(ctx, tx, actor, b.clock(), "setting", 0, nil, "status_page_logo", nil, map[string]any{})
	})
}

// Logo returns the page's logo with its bytes, for everyone; ENOTFOUND when there is none.
func (b *Branding) Logo(ctx context.Context) (l desk.Logo, err error) {
	err = b.db.read(ctx, func(tx brandingTx) error {
		l, err = tx.PageLogo(ctx)
		return err
	})
	return l, err
}

// logoAudit is what the audit log keeps of a logo: its description, not its bytes.
func logoAudit(l desk.Logo) map[string]any {
	return map[string]any{"content_type": l.ContentType, "width": l.Width, "height": l.Height, "size": l.Size, "etag": l.ETag}
}
