package console_test

import (
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"

	"meldpunt/internal/store/storetest"
)

// TestBrowserAccountPassword: in Chromium, a client user opens the password page from the
// header, gives a wrong current password (the message stands next to that field, the box
// stays ticked), then the right one: the page says the password changed. axe-core finds
// nothing on any of the three pages.
func TestBrowserAccountPassword(t *testing.T) {
	t.Parallel()
	ctx := newBrowser(t)
	e := newEnv(t, storetest.Open(t, "sqlite"))
	base := e.srv.URL
	browserSignIn(t, ctx, base, "nl", e.acmeUser)

	click(t, ctx, `a.user[href="/account/password"]`)
	if h1 := text(t, ctx, "h1"); h1 != "Wachtwoord wijzigen" {
		t.Fatalf("heading %q", h1)
	}
	checkA11y(t, ctx, "account-password-nl")

	const newPassword = "een nieuw lang wachtwoord"
	fill := func(current string) (int64, error) {
		resp, err := chromedp.RunResponse(ctx,
			chromedp.SetValue(chromedp.ID("current"), current),
			chromedp.SetValue(chromedp.ID("password"), newPassword),
			chromedp.SetValue(chromedp.ID("password2"), newPassword),
			chromedp.Click(chromedp.CSS(`form[action="/account/password"] button[type=submit]`)),
		)
		if err != nil {
			return 0, err
		}
		return resp.Status, nil
	}

	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("revoke_tokens"))); err != nil {
		t.Fatal(err)
	}
	if status, err := fill("niet mijn wachtwoord"); err != nil || status != http.StatusUnprocessableEntity {
		t.Fatalf("a wrong current password: %d %v", status, err)
	}
	if got := text(t, ctx, "#current-error"); got != "Dit is niet uw huidige wachtwoord." {
		t.Errorf("next to the current password: %q", got)
	}
	if checked, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById('revoke_tokens').checked`)); err != nil || !checked {
		t.Errorf("the box to revoke the tokens is no longer ticked (%v)", err)
	}
	checkA11y(t, ctx, "account-password-error-nl")

	if status, err := fill(password); err != nil || status != http.StatusOK {
		t.Fatalf("the right current password: %d %v", status, err)
	}
	if got := text(t, ctx, `main [role="status"]`); got != "Uw wachtwoord is gewijzigd. Uw andere browsers zijn uitgelogd." {
		t.Errorf("after the change, the page says %q", got)
	}
	checkA11y(t, ctx, "account-password-saved-nl")
}

// TestBrowserPasswordReset: in Chromium, someone who forgot their password asks for a link,
// opens it, first chooses one too short (the message stands next to the field, the box to
// revoke the API tokens stays ticked), then a good one, and signs in with it. axe-core finds
// nothing on any of the pages.
func TestBrowserPasswordReset(t *testing.T) {
	t.Parallel()
	ctx := newBrowser(t)
	db := storetest.Open(t, "sqlite")
	e := newEnv(t, db)
	base := e.srv.URL

	if _, err := chromedp.RunResponse(ctx, chromedp.Navigate(base+"/login?lang=en")); err != nil {
		t.Fatal(err)
	}
	click(t, ctx, `a[href="/password/forgot"]`)
	checkA11y(t, ctx, "forgot-en")
	resp, err := chromedp.RunResponse(ctx,
		chromedp.SendKeys(chromedp.ID("email"), e.acmeUser.Email),
		chromedp.Click(chromedp.CSS(`form[action="/password/forgot"] button[type=submit]`)),
	)
	if err != nil || resp.Status != http.StatusOK {
		t.Fatalf("ask for a link: %v %v", resp, err)
	}
	checkA11y(t, ctx, "forgot-sent-en")

	if _, err := chromedp.RunResponse(ctx, chromedp.Navigate(resetLink(t, e, db, e.acmeUser))); err != nil {
		t.Fatal(err)
	}
	if h1 := text(t, ctx, "h1"); h1 != "Choose a new password" {
		t.Fatalf("heading %q", h1)
	}
	checkA11y(t, ctx, "reset-en")

	choose := func(pw string) int64 {
		t.Helper()
		resp, err := chromedp.RunResponse(ctx,
			chromedp.SetValue(chromedp.ID("password"), pw),
			chromedp.SetValue(chromedp.ID("password2"), pw),
			chromedp.Click(chromedp.CSS(`form[action="/password/reset"] button[type=submit]`)),
		)
		if err != nil {
			t.Fatal(err)
		}
		return resp.Status
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("revoke_tokens"))); err != nil {
		t.Fatal(err)
	}
	if status := choose("short"); status != http.StatusUnprocessableEntity {
		t.Fatalf("a short password: status %d", status)
	}
	if got := text(t, ctx, "#password-error"); got != "Use at least 10 characters." {
		t.Errorf("next to the new password: %q", got)
	}
	if checked, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById('revoke_tokens').checked`)); err != nil || !checked {
		t.Errorf("the box to revoke the tokens is no longer ticked (%v)", err)
	}
	checkA11y(t, ctx, "reset-error-en")

	const newPassword = "a brand new password"
	if status := choose(newPassword); status != http.StatusOK {
		t.Fatalf("a good password: status %d", status)
	}
	if got := text(t, ctx, `main [role="status"]`); got != "Your password has been changed. Sign in with your new password." {
		t.Errorf("after the reset, the page says %q", got)
	}
	checkA11y(t, ctx, "reset-done-en")
	resp, err = chromedp.RunResponse(ctx,
		chromedp.SendKeys(chromedp.ID("email"), e.acmeUser.Email),
		chromedp.SendKeys(chromedp.ID("password"), newPassword),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
	)
	if err != nil || resp.Status != http.StatusOK {
		t.Fatalf("sign in with the new password: %v %v", resp, err)
	}
}
