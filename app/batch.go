package app

// BatchLine is the outcome of one line of a batch file.
type BatchLine struct {
	Line    int
	Barcode string
	// Err is nil when the line went through; otherwise the refusal.
	Err      error
	CheckIn  *CheckInResult
	CheckOut *CheckOutResult
	Renew    *RenewResult
}

// batchChunk is how many lines share one durable transaction: a portable
// scanner's memory of a thousand returns is in the file in a few fsyncs.
const batchChunk = 250

// BatchCheckIn checks in every barcode, as a portable scanner in memory mode
// recorded them. A line that fails is reported and the rest go on.
func (l *Library) BatchCheckIn(actor Actor, barcodes []string) ([]BatchLine, error) {
	if err := require(actor, PermCirculate); err != nil {
		return nil, err
	}
	return l.runBatch(barcodes, func(tx Tx, bl *BatchLine) error {
		cp, err := copyByBarcode(tx, bl.Barcode)
		if err != nil {
			return err
		}
		bl.CheckIn, err = l.checkInTx(tx, actor, cp, false)
		return err
	})
}

// BatchCheckOut lends every barcode to one reader.
func (l *Library) BatchCheckOut(actor Actor, card string, barcodes []string) ([]BatchLine, error) {
	if err := require(actor, PermCirculate); err != nil {
		return nil, err
	}
	return l.runBatch(barcodes, func(tx Tx, bl *BatchLine) error {
		var err error
		bl.CheckOut, err = l.checkOutTx(tx, actor, card, bl.Barcode, CheckOutOptions{})
		return err
	})
}

// BatchRenew renews the open loan of every barcode.
func (l *Library) BatchRenew(actor Actor, barcodes []string) ([]BatchLine, error) {
	if err := require(actor, PermCirculate); err != nil {
		return nil, err
	}
	return l.runBatch(barcodes, func(tx Tx, bl *BatchLine) error {
		cp, err := copyByBarcode(tx, bl.Barcode)
		if err != nil {
			return err
		}
		id, err := lookupOne(tx, IdxLoanOpenCopy, cp.ID)
		if err != nil {
			return err
		}
		if id == "" {
			return Refuse(ReasonNotOnLoan, "barcode", cp.Barcode)
		}
		bl.Renew, err = l.renewTx(tx, actor, id)
		return err
	})
}

// runBatch runs one step per non-empty barcode in chunks of transactions.
// A refusal is that line's outcome; any other error stops the batch, with
// the chunks before it kept.
func (l *Library) runBatch(barcodes []string, step func(Tx, *BatchLine) error) ([]BatchLine, error) {
	var lines []BatchLine
	for i, b := range barcodes {
		if b = NormalizeBarcode(b); b != "" {
			lines = append(lines, BatchLine{Line: i + 1, Barcode: b})
		}
	}
	for start := 0; start < len(lines); start += batchChunk {
		chunk := lines[start:min(start+batchChunk, len(lines))]
		err := l.update(func(tx Tx) error {
			for i := range chunk {
				chunk[i].Err = nil
				if err := step(tx, &chunk[i]); err != nil {
					if _, ok := RefusalOf(err); !ok {
						return err
					}
					chunk[i].Err = err
				}
			}
			return nil
		})
		if err != nil {
			return lines[:start], err
		}
	}
	return lines, nil
}
