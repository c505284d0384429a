package sip2_test

import (
	"fmt"

	"github.com/circa-library/circa/sip2"
)

func ExampleParse() {
	m, err := sip2.Parse([]byte("11YN20261127    090000                  AOCIRCA|AAP1|ABI1|AY4AZF2AA\r"), sip2.UTF8)
	if err != nil {
		panic(err)
	}
	fmt.Println(m.Command, m.FixedField(sip2.FNoBlock), m.Field(sip2.FieldPatronID), m.Field(sip2.FieldItemID), m.Seq)
	// Output: 11 N P1 I1 4
}

func ExampleMessage_Format() {
	m := sip2.NewMessage(sip2.CheckoutResponse).
		SetFixedField(sip2.FOK, "0").
		SetFixedField(sip2.FRenewalOK, "N").
		SetFixedField(sip2.FMagneticMedia, "U").
		SetFixedField(sip2.FDesensitize, "N").
		Add(sip2.FieldInstitutionID, "CIRCA").
		Add(sip2.FieldPatronID, "P1").
		Add(sip2.FieldItemID, "I1").
		Add(sip2.FieldTitleID, "三体").
		Add(sip2.FieldDueDate, "").
		Add(sip2.FieldScreenMessage, "此书已被借出")
	m.Seq, m.Checksum = 4, true
	b, err := m.Format(sip2.UTF8)
	if err != nil {
		panic(err)
	}
	fmt.Println(string(b))
	// Output: 120NUN                  AOCIRCA|AAP1|ABI1|AJ三体|AH|AF此书已被借出|AY4AZE0DE
}
