package app

import (
	"bytes"
	"context"
	"encoding/json"
	"time"

	"meldpunt/internal/desk"
	"meldpunt/internal/monitor"
)

// "Test now" (issue 12 point 7): the monitor form runs the check once with the values on
// the form and shows the result, without saving anything. It is validated as Create
// validates (the shared fields, the kind's settings, the component), run with the form's
// timeout, and recorded nowhere: no result, no state, no audit line.

// testGrace is how long past its own timeout a test may take before the request gives up:
// the check cuts itself at the timeout, this only guards against a check that does not.
const testGrace = 2 * time.Second

// Validate checks a monitor's input as Create would, without saving or running anything;
// admins only. id names the monitor being edited (0 for a new one): its stored secrets
// count as sent.
func (s *Monitors) Validate(ctx context.Context, actor desk.Actor, id int64, in MonitorInput) error {
	_, err := s.prepare(ctx, actor, id, in)
	return err
}

// Test runs the check that in describes once and returns its result; admins only. It
// validates like Create and stores nothing. Without checks configured (the instance runs
// no monitors) it is a conflict that says so.
func (s *Monitors) Test(ctx context.Context, actor desk.Actor, in MonitorInput) (monitor.Result, error) {
	return s.test(ctx, actor, 0, in)
}

// TestChange is Test for the edit form of monitor id: settings shown redacted and sent
// back unchanged ("********") are run with the stored secret, as Update would store them.
func (s *Monitors) TestChange(ctx context.Context, actor desk.Actor, id int64, in MonitorInput) (monitor.Result, error) {
	if id <= 0 {
		return monitor.Result{}, desk.NotFound("monitor")
	}
	return s.test(ctx, actor, id, in)
}

func (s *Monitors) test(ctx context.Context, actor desk.Actor, id int64, in MonitorInput) (monitor.Result, error) {
	m, err := s.prepare(ctx, actor, id, in)
	if err != nil {
		return monitor.Result{}, err
	}
	if s.cfg.Monitors.Checks == nil {
		return monitor.Result{}, desk.Errorf(desk.ECONFLICT, "this instance runs no checks: monitors are stored, but none can be tested or run")
	}
	rctx, cancel := context.WithTimeout(ctx, m.Timeout+testGrace)
	defer cancel()
	r := s.cfg.Monitors.Checks.Run(rctx, monitor.Kind(m.Kind), m.Settings, m.Timeout)
	if r.At.IsZero() {
		r.At = s.clock()
	}
	return r, nil
}

// prepare checks the input as Create does (for monitor id, with its stored secrets) and
// returns the monitor it describes.
func (s *Monitors) prepare(ctx context.Context, actor desk.Actor, id int64, in MonitorInput) (desk.Monitor, error) {
	if err := requireAdmin(actor, "test monitors"); err != nil {
		return desk.Monitor{}, err
	}
	var m desk.Monitor
	err := s.db.read(ctx, func(tx monitorTx) error {
		var before desk.Monitor
		if id > 0 {
			var err error
			if before, err = tx.Monitor(ctx, id); err != nil {
				return err
			}
			if in.Kind == "" {
				in.Kind = before.Kind
			}
			in.Settings = s.KeepSecrets(before, in.Kind, in.Settings)
		}
		if in.Enabled == nil {
			in.Enabled = ptr(true)
		}
		var err error
		if m, err = s.build(in, desk.Monitor{}); err != nil {
			return err
		}
		return checkMonitorRefs(ctx, tx, m)
	})
	return m, err
}

// KeepSecrets returns settings with every value that still reads as the stored monitor's
// redacted value (a secret shown as "********" and sent back unchanged) replaced by the
// stored value, so a form that shows settings redacted can send them back and keep the
// secrets. Values changed on the form are kept as sent; settings of another kind than the
// stored monitor's, or that are not JSON objects, are returned as they are.
func (s *Monitors) KeepSecrets(stored desk.Monitor, kind string, settings json.RawMessage) json.RawMessage {
	if s.cfg.Monitors.Checks == nil || kind != stored.Kind || len(stored.Settings) == 0 {
		return settings
	}
	shown := s.cfg.Monitors.Checks.Redact(monitor.Kind(stored.Kind), stored.Settings)
	var sent, orig, red map[string]any
	if decodeObject(settings, &sent) != nil || decodeObject(stored.Settings, &orig) != nil || decodeObject(shown, &red) != nil {
		return settings
	}
	if !restore(sent, orig, red) {
		return settings
	}
	out, err := marshalPlain(sent)
	if err != nil {
		return settings
	}
	return out
}

// restore puts back into sent the values of orig wherever sent holds what red (orig
// redacted) shows and that differs from orig; it tells whether it changed anything.
func restore(sent, orig, red map[string]any) bool {
	changed := false
	for k, v := range sent {
		switch x := v.(type) {
		case string:
			o, ok1 := orig[k].(string)
			r, ok2 := red[k].(string)
			if ok1 && ok2 && x == r && r != o {
				sent[k] = o
				changed = true
			}
		case map[string]any:
			o, ok1 := orig[k].(map[string]any)
			r, ok2 := red[k].(map[string]any)
			if ok1 && ok2 && restore(x, o, r) {
				changed = true
			}
		}
	}
	return changed
}

// decodeObject decodes a JSON object keeping numbers as they are written.
func decodeObject(b json.RawMessage, into *map[string]any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(into); err != nil {
		return err
	}
	if *into == nil {
		return desk.Errorf(desk.EINVALID, "not an object")
	}
	return nil
}

// marshalPlain writes JSON without HTML escapes (a URL's & stays &).
func marshalPlain(v any) (json.RawMessage, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSpace(b.Bytes()), nil
}
