package importer

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/cockroachdb/errors"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/app/marc"
)

// ExportMARC writes every title of the library, with its copies as 952
// holdings, as MARC21 (ISO 2709, UTF-8) or MARCXML. The records are built
// from what Circa holds now, so edits made in Circa go out; importing the
// file again gives the same titles and copies.
func ExportMARC(lib *app.Library, w io.Writer, xml bool) (int, error) {
	var write func(*marc.Record) error
	var finish func() error
	if xml {
		xw := marc.NewXMLWriter(w)
		write, finish = xw.Write, xw.Close
	} else {
		mw := marc.NewWriter(w)
		write, finish = mw.Write, mw.Flush
	}
	n := 0
	err := lib.View(func(tx app.Tx) error {
		return tx.ForEach(app.CollTitles, func(id string, raw []byte) error {
			var t app.Title
			if err := json.Unmarshal(raw, &t); err != nil {
				return errors.Wrapf(err, "title %s", id)
			}
			if t.Deleted {
				return nil
			}
			b := TitleToBib(&t)
			ids, err := tx.Lookup(app.IdxCopyTitle, t.ID)
			if err != nil {
				return err
			}
			for _, cid := range ids {
				var c app.Copy
				if _, err := tx.Get(app.CollCopies, cid, &c); err != nil {
					return err
				}
				if c.Deleted || c.Status == app.CopyWithdrawn {
					continue
				}
				h := marc.Holding{Barcode: c.Barcode, Location: c.Location, CallNumber: c.CallNumber, ItemType: string(c.ItemType)}
				if c.Price > 0 {
					h.Price = fmt.Sprintf("%d.%02d", c.Price/100, c.Price%100)
				}
				b.Holdings = append(b.Holdings, h)
			}
			rec := marc.BibToRecord(&b)
			control := t.SourceID
			if control == "" {
				control = t.ID
			}
			rec.Fields = append([]marc.Field{{Tag: "001", Value: control}}, rec.Fields...)
			if err := write(rec); err != nil {
				if errors.Is(err, marc.ErrRecordTooLong) {
					return nil // cannot be ISO 2709; MARCXML has no such limit
				}
				return err
			}
			n++
			return nil
		})
	})
	if err != nil {
		return n, err
	}
	return n, finish()
}

// TitleToBib gives the MARC view of a title.
func TitleToBib(t *app.Title) marc.Bib {
	return marc.Bib{
		Title: t.Title, Subtitle: t.Subtitle, Authors: t.Authors, Publisher: t.Publisher, Place: t.Place,
		Year: t.Year, ISBNs: t.ISBNs, Language: t.Language, Subjects: t.Subjects, CLC: t.CLC, Dewey: t.Dewey,
		CallNumber: t.CallNumber, Series: t.Series, Summary: t.Summary,
	}
}
