package store_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"reflect"
	"testing"
	"time"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func TestAttachments(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := seed(t, db)
		in, other := newIncident(f.acme.ID, "Site down"), newIncident(f.acme.ID, "Other")
		write(t, db, func(ctx context.Context, tx app.Tx) error {
			if err := tx.CreateIncident(ctx, &in); err != nil {
				return err
			}
			return tx.CreateIncident(ctx, &other)
		})
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			list, err := tx.Attachments(ctx, in.ID)
			if err != nil || list == nil || len(list) != 0 {
				t.Errorf("Attachments without any = %#v, %v; want []", list, err)
			}
			return nil
		})

		png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00binary\xff\xfe")
		files := []struct {
			a    desk.Attachment
			data []byte
		}{
			{desk.Attachment{IncidentID: in.ID, Name: "scherm ✓.png", ContentType: "image/png",
				Size: 1, SHA256: sha(png), UploadedBy: &f.alice.ID, CreatedAt: t0}, png},
			{desk.Attachment{IncidentID: in.ID, Name: "empty.txt", ContentType: "text/plain", CreatedAt: t0.Add(time.Second)}, nil},
			{desk.Attachment{IncidentID: other.ID, Name: "log.txt", ContentType: "text/plain", CreatedAt: t0}, []byte("log\n")},
		}
		write(t, db, func(ctx context.Context, tx app.Tx) error {
			for i := range files {
				if err := tx.AddAttachment(ctx, &files[i].a, files[i].data); err != nil {
					return err
				}
			}
			return nil
		})
		for i, file := range files {
			if file.a.ID == 0 || (i > 0 && file.a.ID <= files[i-1].a.ID) {
				t.Fatalf("ids not set in order: %+v", files)
			}
			if file.a.Size != int64(len(file.data)) || file.a.SHA256 != sha(file.data) {
				t.Errorf("%s: Size %d SHA256 %s, want them set from the data when missing", file.a.Name, file.a.Size, file.a.SHA256)
			}
		}
		want := func(a desk.Attachment) desk.Attachment {
			a.CreatedAt = ms(a.CreatedAt)
			return a
		}
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			list, err := tx.Attachments(ctx, in.ID)
			if err != nil {
				return err
			}
			if wantList := []desk.Attachment{want(files[0].a), want(files[1].a)}; !reflect.DeepEqual(list, wantList) {
				t.Errorf("Attachments =\n%+v\nwant\n%+v", list, wantList)
			}
			for _, file := range files {
				got, data, err := tx.Attachment(ctx, file.a.IncidentID, file.a.ID)
				if err != nil {
					return err
				}
				if !reflect.DeepEqual(got, want(file.a)) || !bytes.Equal(data, file.data) || data == nil {
					t.Errorf("Attachment(%d) = %+v %q, want %+v %q", file.a.ID, got, data, want(file.a), file.data)
				}
				wantTime(t, "CreatedAt", got.CreatedAt, file.a.CreatedAt)
			}
			// Another incident's file is not found through this one.
			_, data, err := tx.Attachment(ctx, in.ID, files[2].a.ID)
			wantCode(t, err, desk.ENOTFOUND)
			if data != nil {
				t.Errorf("a refused Attachment returned %d bytes", len(data))
			}
			_, _, err = tx.Attachment(ctx, other.ID, files[0].a.ID)
			wantCode(t, err, desk.ENOTFOUND)
			_, _, err = tx.Attachment(ctx, in.ID, 999999)
			wantCode(t, err, desk.ENOTFOUND)
			return nil
		})

		for _, a := range []desk.Attachment{
			{IncidentID: 999999, Name: "x", ContentType: "text/plain", CreatedAt: t0},
			{IncidentID: in.ID, Name: "x", ContentType: "text/plain", UploadedBy: ptr(int64(999999)), CreatedAt: t0},
		} {
			err := tryWrite(t, db, func(ctx context.Context, tx app.Tx) error { return tx.AddAttachment(ctx, &a, []byte("x")) })
			wantCode(t, err, desk.EINVALID)
		}
	})
}

func TestAttachmentLarge(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := seed(t, db)
		in := newIncident(f.acme.ID, "Big log")
		data := make([]byte, desk.MaxAttachment) // 10 MiB
		rand.Read(data)
		a := desk.Attachment{Name: "big.zip", ContentType: "application/zip", UploadedBy: &f.alice.ID, CreatedAt: t0}
		write(t, db, func(ctx context.Context, tx app.Tx) error {
			if err := tx.CreateIncident(ctx, &in); err != nil {
				return err
			}
			a.IncidentID = in.ID
			return tx.AddAttachment(ctx, &a, data)
		})
		read(t, db, func(ctx context.Context, tx app.Tx) error {
			got, back, err := tx.Attachment(ctx, in.ID, a.ID)
			if err != nil {
				return err
			}
			if len(back) != len(data) || sha(back) != sha(data) || got.SHA256 != sha(data) || got.Size != int64(len(data)) {
				t.Errorf("read back %d bytes, sha256 %s (stored %s, size %d); want %d bytes, sha256 %s",
					len(back), sha(back), got.SHA256, got.Size, len(data), sha(data))
			}
			return nil
		})
	})
}
