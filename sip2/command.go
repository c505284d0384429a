package sip2

// Command is the two-digit identifier that starts every SIP2 message.
type Command string

// Commands of SIP2 2.00. Requests go from the self-check unit (SC) to the
// library system (ACS); each request has one response, named after it.
const (
	BlockPatron               Command = "01" // answered with PatronStatusResponse
	Checkin                   Command = "09"
	CheckinResponse           Command = "10"
	Checkout                  Command = "11"
	CheckoutResponse          Command = "12"
	Hold                      Command = "15"
	HoldResponse              Command = "16"
	ItemInformation           Command = "17"
	ItemInformationResponse   Command = "18"
	ItemStatusUpdate          Command = "19"
	ItemStatusUpdateResponse  Command = "20"
	PatronStatusRequest       Command = "23"
	PatronStatusResponse      Command = "24"
	PatronEnable              Command = "25"
	PatronEnableResponse      Command = "26"
	Renew                     Command = "29"
	RenewResponse             Command = "30"
	EndPatronSession          Command = "35"
	EndPatronSessionResponse  Command = "36"
	FeePaid                   Command = "37"
	FeePaidResponse           Command = "38"
	PatronInformation         Command = "63"
	PatronInformationResponse Command = "64"
	RenewAll                  Command = "65"
	RenewAllResponse          Command = "66"
	Login                     Command = "93"
	LoginResponse             Command = "94"
	RequestSCResend           Command = "96" // ACS asks the SC to send its last message again
	RequestACSResend          Command = "97" // SC asks the ACS to send its last message again
	ACSStatus                 Command = "98"
	SCStatus                  Command = "99"
)

// Names of fixed-length fields. A message's fixed fields follow its command
// in the order given by the specification; Message.FixedField looks them up by
// these names. Every 18-character date field except the return date and the
// no-block due date is called FTransactionDate, including 98's date/time sync.
const (
	FOK                = "ok"
	FRenewalOK         = "renewal ok"
	FMagneticMedia     = "magnetic media"
	FDesensitize       = "desensitize"
	FResensitize       = "resensitize"
	FAlert             = "alert"
	FTransactionDate   = "transaction date"
	FNoBlock           = "no block"
	FNBDueDate         = "nb due date"
	FReturnDate        = "return date"
	FSCRenewalPolicy   = "sc renewal policy"
	FThirdPartyAllowed = "third party allowed"
	FCardRetained      = "card retained"
	FUIDAlgorithm      = "uid algorithm"
	FPWDAlgorithm      = "pwd algorithm"
	FStatusCode        = "status code"
	FMaxPrintWidth     = "max print width"
	FProtocolVersion   = "protocol version"
	FLanguage          = "language"
	FSummary           = "summary"
	FPatronStatus      = "patron status"
	FHoldItemsCount    = "hold items count"
	FOverdueItemsCount = "overdue items count"
	FChargedItemsCount = "charged items count"
	FFineItemsCount    = "fine items count"
	FRecallItemsCount  = "recall items count"
	FUnavailHoldsCount = "unavailable holds count"
	FHoldMode          = "hold mode"
	FAvailable         = "available"
	FCirculationStatus = "circulation status"
	FSecurityMarker    = "security marker"
	FFeeType           = "fee type"
	FPaymentType       = "payment type"
	FCurrencyType      = "currency type"
	FPaymentAccepted   = "payment accepted"
	FEndSession        = "end session"
	FRenewedCount      = "renewed count"
	FUnrenewedCount    = "unrenewed count"
	FOnlineStatus      = "on-line status"
	FCheckinOK         = "checkin ok"
	FCheckoutOK        = "checkout ok"
	FACSRenewalPolicy  = "acs renewal policy"
	FStatusUpdateOK    = "status update ok"
	FOfflineOK         = "off-line ok"
	FTimeoutPeriod     = "timeout period"
	FRetriesAllowed    = "retries allowed"
	FItemPropertiesOK  = "item properties ok"
	dateLen            = 18
	patronStatusLen    = 14
	summaryLen         = 10
)

type fixedField struct {
	name string
	len  int
}

// fixedSpecs lists, per command, the fixed-length fields that follow the
// command identifier. A command missing here is unknown.
var fixedSpecs = map[Command][]fixedField{
	BlockPatron:              {{FCardRetained, 1}, {FTransactionDate, dateLen}},
	Checkin:                  {{FNoBlock, 1}, {FTransactionDate, dateLen}, {FReturnDate, dateLen}},
	CheckinResponse:          {{FOK, 1}, {FResensitize, 1}, {FMagneticMedia, 1}, {FAlert, 1}, {FTransactionDate, dateLen}},
	Checkout:                 {{FSCRenewalPolicy, 1}, {FNoBlock, 1}, {FTransactionDate, dateLen}, {FNBDueDate, dateLen}},
	CheckoutResponse:         {{FOK, 1}, {FRenewalOK, 1}, {FMagneticMedia, 1}, {FDesensitize, 1}, {FTransactionDate, dateLen}},
	Hold:                     {{FHoldMode, 1}, {FTransactionDate, dateLen}},
	HoldResponse:             {{FOK, 1}, {FAvailable, 1}, {FTransactionDate, dateLen}},
	ItemInformation:          {{FTransactionDate, dateLen}},
	ItemInformationResponse:  {{FCirculationStatus, 2}, {FSecurityMarker, 2}, {FFeeType, 2}, {FTransactionDate, dateLen}},
	ItemStatusUpdate:         {{FTransactionDate, dateLen}},
	ItemStatusUpdateResponse: {{FItemPropertiesOK, 1}, {FTransactionDate, dateLen}},
	PatronStatusRequest:      {{FLanguage, 3}, {FTransactionDate, dateLen}},
	PatronStatusResponse:     {{FPatronStatus, patronStatusLen}, {FLanguage, 3}, {FTransactionDate, dateLen}},
	PatronEnable:             {{FTransactionDate, dateLen}},
	PatronEnableResponse:     {{FPatronStatus, patronStatusLen}, {FLanguage, 3}, {FTransactionDate, dateLen}},
	Renew:                    {{FThirdPartyAllowed, 1}, {FNoBlock, 1}, {FTransactionDate, dateLen}, {FNBDueDate, dateLen}},
	RenewResponse:            {{FOK, 1}, {FRenewalOK, 1}, {FMagneticMedia, 1}, {FDesensitize, 1}, {FTransactionDate, dateLen}},
	EndPatronSession:         {{FTransactionDate, dateLen}},
	EndPatronSessionResponse: {{FEndSession, 1}, {FTransactionDate, dateLen}},
	FeePaid:                  {{FTransactionDate, dateLen}, {FFeeType, 2}, {FPaymentType, 2}, {FCurrencyType, 3}},
	FeePaidResponse:          {{FPaymentAccepted, 1}, {FTransactionDate, dateLen}},
	PatronInformation:        {{FLanguage, 3}, {FTransactionDate, dateLen}, {FSummary, summaryLen}},
	PatronInformationResponse: {{FPatronStatus, patronStatusLen}, {FLanguage, 3}, {FTransactionDate, dateLen},
		{FHoldItemsCount, 4}, {FOverdueItemsCount, 4}, {FChargedItemsCount, 4}, {FFineItemsCount, 4},
		{FRecallItemsCount, 4}, {FUnavailHoldsCount, 4}},
	RenewAll:         {{FTransactionDate, dateLen}},
	RenewAllResponse: {{FOK, 1}, {FRenewedCount, 4}, {FUnrenewedCount, 4}, {FTransactionDate, dateLen}},
	Login:            {{FUIDAlgorithm, 1}, {FPWDAlgorithm, 1}},
	LoginResponse:    {{FOK, 1}},
	RequestSCResend:  nil,
	RequestACSResend: nil,
	ACSStatus: {{FOnlineStatus, 1}, {FCheckinOK, 1}, {FCheckoutOK, 1}, {FACSRenewalPolicy, 1},
		{FStatusUpdateOK, 1}, {FOfflineOK, 1}, {FTimeoutPeriod, 3}, {FRetriesAllowed, 3},
		{FTransactionDate, dateLen}, {FProtocolVersion, 4}},
	SCStatus: {{FStatusCode, 1}, {FMaxPrintWidth, 3}, {FProtocolVersion, 4}},
}

// Variable-length field identifiers used by this package. Messages keep any
// other identifier (vendor extensions such as Gossip's CG/FA…FG) as it came.
const (
	FieldPatronID          = "AA"
	FieldItemID            = "AB"
	FieldTerminalPassword  = "AC"
	FieldPatronPassword    = "AD"
	FieldPersonalName      = "AE"
	FieldScreenMessage     = "AF"
	FieldPrintLine         = "AG"
	FieldDueDate           = "AH"
	FieldTitleID           = "AJ"
	FieldBlockedCardMsg    = "AL"
	FieldLibraryName       = "AM"
	FieldTerminalLocation  = "AN"
	FieldInstitutionID     = "AO"
	FieldCurrentLocation   = "AP"
	FieldPermanentLocation = "AQ"
	FieldHoldItems         = "AS"
	FieldOverdueItems      = "AT"
	FieldChargedItems      = "AU"
	FieldFineItems         = "AV"
	FieldSequenceNumber    = "AY"
	FieldChecksum          = "AZ"
	FieldHomeAddress       = "BD"
	FieldEmail             = "BE"
	FieldHomePhone         = "BF"
	FieldOwner             = "BG"
	FieldCurrencyType      = "BH"
	FieldCancel            = "BI"
	FieldTransactionID     = "BK"
	FieldValidPatron       = "BL"
	FieldRenewedItems      = "BM"
	FieldUnrenewedItems    = "BN"
	FieldFeeAcknowledged   = "BO"
	FieldStartItem         = "BP"
	FieldEndItem           = "BQ"
	FieldQueuePosition     = "BR"
	FieldPickupLocation    = "BS"
	FieldFeeType           = "BT"
	FieldRecallItems       = "BU"
	FieldFeeAmount         = "BV"
	FieldExpirationDate    = "BW"
	FieldSupportedMessages = "BX"
	FieldHoldType          = "BY"
	FieldHoldItemsLimit    = "BZ"
	FieldOverdueItemsLimit = "CA"
	FieldChargedItemsLimit = "CB"
	FieldFeeLimit          = "CC"
	FieldUnavailableHolds  = "CD"
	FieldHoldQueueLength   = "CF"
	FieldFeeIdentifier     = "CG"
	FieldItemProperties    = "CH"
	FieldSecurityInhibit   = "CI"
	FieldRecallDate        = "CJ"
	FieldMediaType         = "CK"
	FieldSortBin           = "CL"
	FieldHoldPickupDate    = "CM"
	FieldLoginUserID       = "CN"
	FieldLoginPassword     = "CO"
	FieldLocationCode      = "CP"
	FieldValidPatronPasswd = "CQ"
	FieldDestination       = "CT"
	FieldAlertType         = "CV"
	FieldHoldPatronID      = "CY"
	FieldHoldPatronName    = "DA"
)
