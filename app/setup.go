package app

// SetupInput is what the first-run screen asks.
type SetupInput struct {
	LibraryName   string
	AdminUsername string
	AdminName     string
	AdminPassword string
}

// DefaultCardTypes are the card types a new library starts with.
var DefaultCardTypes = []CardTypeInput{
	{Code: "REG", Name: "普通", NameEN: "Regular", ValidDays: 365},
	{Code: "VIP", Name: "VIP", NameEN: "VIP", ValidDays: 365},
	{Code: "TEA", Name: "教师", NameEN: "Teacher", ValidDays: 1095},
	{Code: "STU", Name: "学生", NameEN: "Student", ValidDays: 365, RequirePIN: false},
}

// DefaultRules is the rules matrix a new library starts with: a default cell
// plus cells for the built-in card types and the reference item type.
var DefaultRules = []Rule{
	{LoanDays: 21, Renewals: 2, RenewalDays: 14, MaxLoans: 5, MaxHolds: 3, FinePerDay: 10, FineCap: 1000,
		GraceDays: 2, RenewOverdueDays: 7, PickupDays: 7, SelfService: true, Loanable: true},
	{CardType: "VIP", LoanDays: 30, Renewals: 3, RenewalDays: 21, MaxLoans: 10, MaxHolds: 5, FinePerDay: 10,
		FineCap: 1000, GraceDays: 3, RenewOverdueDays: 14, PickupDays: 10, SelfService: true, Loanable: true},
	{CardType: "TEA", LoanDays: 60, Renewals: 3, RenewalDays: 30, MaxLoans: 20, MaxHolds: 10,
		RenewOverdueDays: 30, PickupDays: 14, SelfService: true, Loanable: true},
	// Schools that take no money: suspension days instead of fines.
	{CardType: "STU", LoanDays: 14, Renewals: 1, RenewalDays: 14, MaxLoans: 3, MaxHolds: 2,
		SuspensionDays: 1, GraceDays: 1, RenewOverdueDays: 3, PickupDays: 5, SelfService: true, Loanable: true},
	// Reference books stay in the library whatever the card.
	{ItemType: ItemReference, Loanable: false},
	{CardType: "VIP", ItemType: ItemReference, Loanable: false},
	{CardType: "TEA", ItemType: ItemReference, Loanable: false},
	{CardType: "STU", ItemType: ItemReference, Loanable: false},
	{ItemType: ItemMagazine, LoanDays: 7, Renewals: 0, MaxLoans: 5, MaxHolds: 0, FinePerDay: 10, FineCap: 500,
		PickupDays: 5, SelfService: true, Loanable: true},
}

// Setup prepares an empty library on first run: its name, the first admin
// account, default card types and rules. It refuses once staff exist.
func (l *Library) Setup(in SetupInput) (Actor, error) {
	has, err := l.HasStaff()
	if err != nil {
		return Actor{}, err
	}
	if has {
		return Actor{}, Refuse(ReasonPermissionDenied, "permission", string(PermManageStaff))
	}
	name, err := checkText("library_name", in.LibraryName, true, maxShortField)
	if err != nil {
		return Actor{}, err
	}
	if _, err := l.AddStaff(System, StaffInput{Username: in.AdminUsername, Name: in.AdminName,
		Role: RoleAdmin, Password: in.AdminPassword}); err != nil {
		return Actor{}, err
	}
	admin := Actor{Username: NormalizeBarcode(in.AdminUsername), Role: RoleAdmin}
	if err := l.SetSetting(admin, SettingLibraryName, name); err != nil {
		return Actor{}, err
	}
	if err := l.InstallDefaults(admin); err != nil {
		return Actor{}, err
	}
	return admin, nil
}

// InstallDefaults adds the default card types and rules that are missing.
func (l *Library) InstallDefaults(actor Actor) error {
	for _, ct := range DefaultCardTypes {
		if _, err := l.SaveCardType(actor, ct); err != nil {
			return err
		}
	}
	existing, err := l.Rules()
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for _, r := range existing {
		have[RuleCellKey(r.CardType, r.ItemType)] = true
	}
	for _, r := range DefaultRules {
		if have[RuleCellKey(r.CardType, r.ItemType)] {
			continue
		}
		if _, err := l.SaveRule(actor, r); err != nil {
			return err
		}
	}
	return nil
}
