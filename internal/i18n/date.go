package i18n

import (
	"strconv"
	"strings"
	"time"
)

// calendar holds what one language needs to write dates and times. The names are the
// forms used inside a formatted date (CLDR "format" context: lower case in most languages,
// genitive month names in Polish and Czech, partitive in Finnish), which is why they live
// here and not in the catalogs, whose weekday keys are stand-alone labels.
//
// Layouts use {E} (abbreviated weekday), {EEEE} (weekday), {d} (day of month), {M} (month
// number), {MMM} (abbreviated month), {MMMM} (month) and {y} (year). They follow each
// language's CLDR medium (short) and full (long) date patterns, without the year for short.
type calendar struct {
	weekdays    [7]string // indexed by time.Weekday, so Sunday first
	weekdaysAbb [7]string
	months      [12]string // January first
	monthsAbb   [12]string
	short       string
	long        string
	timeSep     string // between hours and minutes
	bareHour    bool   // hours before 10 without a leading zero (CLDR "H" rather than "HH")
	dateTimeSep string // between the short date and the time
}

var calendars = map[string]calendar{
	"en": {
		weekdays:    [7]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
		weekdaysAbb: [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"},
		months:      [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
		monthsAbb:   [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
		short:       "{E} {d} {MMM}",
		long:        "{EEEE} {d} {MMMM} {y}",
		timeSep:     ":",
		dateTimeSep: ", ",
	},
	"de": {
		weekdays:    [7]string{"Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"},
		weekdaysAbb: [7]string{"So.", "Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa."},
		months:      [12]string{"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"},
		monthsAbb:   [12]string{"Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.", "Nov.", "Dez."},
		short:       "{E}, {d}. {MMM}",
		long:        "{EEEE}, {d}. {MMMM} {y}",
		timeSep:     ":",
		dateTimeSep: ", ",
	},
	"fr": {
		weekdays:    [7]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"},
		weekdaysAbb: [7]string{"dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."},
		months:      [12]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
		monthsAbb:   [12]string{"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."},
		short:       "{E} {d} {MMM}",
		long:        "{EEEE} {d} {MMMM} {y}",
		timeSep:     ":",
		dateTimeSep: " à ",
	},
	"es": {
		weekdays:    [7]string{"domingo", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado"},
		weekdaysAbb: [7]string{"dom", "lun", "mar", "mié", "jue", "vie", "sáb"},
		months:      [12]string{"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"},
		monthsAbb:   [12]string{"ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"},
		short:       "{E}, {d} {MMM}",
		long:        "{EEEE}, {d} de {MMMM} de {y}",
		timeSep:     ":",
		dateTimeSep: ", ",
		bareHour:    true,
	},
	"it": {
		weekdays:    [7]string{"domenica", "lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato"},
		weekdaysAbb: [7]string{"dom", "lun", "mar", "mer", "gio", "ven", "sab"},
		months:      [12]string{"gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"},
		monthsAbb:   [12]string{"gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic"},
		short:       "{E} {d} {MMM}",
		long:        "{EEEE} {d} {MMMM} {y}",
		timeSep:     ":",
		dateTimeSep: ", ",
	},
	"nl": {
		weekdays:    [7]string{"zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"},
		weekdaysAbb: [7]string{"zo", "ma", "di", "wo", "do", "vr", "za"},
		months:      [12]string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"},
		monthsAbb:   [12]string{"jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"},
		short:       "{E} {d} {MMM}",
		long:        "{EEEE} {d} {MMMM} {y}",
		timeSep:     ":",
		dateTimeSep: " om ",
	},
	"pl": {
		weekdays:    [7]string{"niedziela", "poniedziałek", "wtorek", "środa", "czwartek", "piątek", "sobota"},
		weekdaysAbb: [7]string{"niedz.", "pon.", "wt.", "śr.", "czw.", "pt.", "sob."},
		months:      [12]string{"stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia", "września", "października", "listopada", "grudnia"},
		monthsAbb:   [12]string{"sty", "lut", "mar", "kwi", "maj", "cze", "lip", "sie", "wrz", "paź", "lis", "gru"},
		short:       "{E}, {d} {MMM}",
		long:        "{EEEE}, {d} {MMMM} {y}",
		timeSep:     ":",
		dateTimeSep: ", ",
	},
	"sv": {
		weekdays:    [7]string{"söndag", "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag"},
		weekdaysAbb: [7]string{"sön", "mån", "tis", "ons", "tors", "fre", "lör"},
		months:      [12]string{"januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober", "november", "december"},
		monthsAbb:   [12]string{"jan.", "feb.", "mars", "apr.", "maj", "juni", "juli", "aug.", "sep.", "okt.", "nov.", "dec."},
		short:       "{E} {d} {MMM}",
		long:        "{EEEE} {d} {MMMM} {y}",
		timeSep:     ":",
		dateTimeSep: " kl. ",
	},
	"da": {
		weekdays:    [7]string{"søndag", "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag"},
		weekdaysAbb: [7]string{"søn.", "man.", "tirs.", "ons.", "tors.", "fre.", "lør."},
		months:      [12]string{"januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober", "november", "december"},
		monthsAbb:   [12]string{"jan.", "feb.", "mar.", "apr.", "maj", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec."},
		short:       "{E} {d}. {MMM}",
		long:        "{EEEE} den {d}. {MMMM} {y}",
		timeSep:     ".",
		dateTimeSep: " kl. ",
	},
	"pt": {
		weekdays:    [7]string{"domingo", "segunda-feira", "terça-feira", "quarta-feira", "quinta-feira", "sexta-feira", "sábado"},
		weekdaysAbb: [7]string{"dom.", "seg.", "ter.", "qua.", "qui.", "sex.", "sáb."},
		months:      [12]string{"janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro", "novembro", "dezembro"},
		monthsAbb:   [12]string{"jan.", "fev.", "mar.", "abr.", "mai.", "jun.", "jul.", "ago.", "set.", "out.", "nov.", "dez."},
		short:       "{E}, {d} de {MMM}",
		long:        "{EEEE}, {d} de {MMMM} de {y}",
		timeSep:     ":",
		dateTimeSep: " às ",
	},
	"cs": {
		weekdays:    [7]string{"neděle", "pondělí", "úterý", "středa", "čtvrtek", "pátek", "sobota"},
		weekdaysAbb: [7]string{"ne", "po", "út", "st", "čt", "pá", "so"},
		months:      [12]string{"ledna", "února", "března", "dubna", "května", "června", "července", "srpna", "září", "října", "listopadu", "prosince"},
		monthsAbb:   [12]string{"led", "úno", "bře", "dub", "kvě", "čvn", "čvc", "srp", "zář", "říj", "lis", "pro"},
		short:       "{E} {d}. {M}.",
		long:        "{EEEE} {d}. {MMMM} {y}",
		timeSep:     ":",
		dateTimeSep: " v ",
		bareHour:    true,
	},
	"fi": {
		weekdays:    [7]string{"sunnuntai", "maanantai", "tiistai", "keskiviikko", "torstai", "perjantai", "lauantai"},
		weekdaysAbb: [7]string{"su", "ma", "ti", "ke", "to", "pe", "la"},
		months:      [12]string{"tammikuuta", "helmikuuta", "maaliskuuta", "huhtikuuta", "toukokuuta", "kesäkuuta", "heinäkuuta", "elokuuta", "syyskuuta", "lokakuuta", "marraskuuta", "joulukuuta"},
		monthsAbb:   [12]string{"tammik.", "helmik.", "maalisk.", "huhtik.", "toukok.", "kesäk.", "heinäk.", "elok.", "syysk.", "lokak.", "marrask.", "jouluk."},
		short:       "{E} {d}.{M}.",
		long:        "{EEEE} {d}. {MMMM} {y}",
		timeSep:     ".",
		dateTimeSep: " klo ",
		bareHour:    true,
	},
	"bg": {
		weekdays:    [7]string{"неделя", "понеделник", "вторник", "сряда", "четвъртък", "петък", "събота"},
		weekdaysAbb: [7]string{"нд", "пн", "вт", "ср", "чт", "пт", "сб"},
		months:      [12]string{"януари", "февруари", "март", "април", "май", "юни", "юли", "август", "септември", "октомври", "ноември", "декември"},
		monthsAbb:   [12]string{"яну", "фев", "март", "апр", "май", "юни", "юли", "авг", "сеп", "окт", "ное", "дек"},
		short:       "{E}, {d} {MMM}",
		long:        "{EEEE}, {d} {MMMM} {y} г.",
		timeSep:     ":",
		dateTimeSep: ", ",
		bareHour:    true,
	},
	"el": {
		weekdays:    [7]string{"Κυριακή", "Δευτέρα", "Τρίτη", "Τετάρτη", "Πέμπτη", "Παρασκευή", "Σάββατο"},
		weekdaysAbb: [7]string{"Κυρ", "Δευ", "Τρί", "Τετ", "Πέμ", "Παρ", "Σάβ"},
		months:      [12]string{"Ιανουαρίου", "Φεβρουαρίου", "Μαρτίου", "Απριλίου", "Μαΐου", "Ιουνίου", "Ιουλίου", "Αυγούστου", "Σεπτεμβρίου", "Οκτωβρίου", "Νοεμβρίου", "Δεκεμβρίου"},
		monthsAbb:   [12]string{"Ιαν", "Φεβ", "Μαρ", "Απρ", "Μαΐ", "Ιουν", "Ιουλ", "Αυγ", "Σεπ", "Οκτ", "Νοε", "Δεκ"},
		short:       "{E} {d} {MMM}",
		long:        "{EEEE} {d} {MMMM} {y}",
		timeSep:     ":",
		dateTimeSep: ", ",
	},
	"et": {
		weekdays:    [7]string{"pühapäev", "esmaspäev", "teisipäev", "kolmapäev", "neljapäev", "reede", "laupäev"},
		weekdaysAbb: [7]string{"P", "E", "T", "K", "N", "R", "L"},
		months:      [12]string{"jaanuar", "veebruar", "märts", "aprill", "mai", "juuni", "juuli", "august", "september", "oktoober", "november", "detsember"},
		monthsAbb:   [12]string{"jaan", "veebr", "märts", "apr", "mai", "juuni", "juuli", "aug", "sept", "okt", "nov", "dets"},
		short:       "{E}, {d}. {MMM}",
		long:        "{EEEE}, {d}. {MMMM} {y}",
		timeSep:     ":",
		dateTimeSep: ", ",
	},
	"ga": {
		weekdays:    [7]string{"Dé Domhnaigh", "Dé Luain", "Dé Máirt", "Dé Céadaoin", "Déardaoin", "Dé hAoine", "Dé Sathairn"},
		weekdaysAbb: [7]string{"Domh", "Luan", "Máirt", "Céad", "Déar", "Aoine", "Sath"},
		months:      [12]string{"Eanáir", "Feabhra", "Márta", "Aibreán", "Bealtaine", "Meitheamh", "Iúil", "Lúnasa", "Meán Fómhair", "Deireadh Fómhair", "Samhain", "Nollaig"},
		monthsAbb:   [12]string{"Ean", "Feabh", "Márta", "Aib", "Beal", "Meith", "Iúil", "Lún", "MFómh", "DFómh", "Samh", "Noll"},
		short:       "{E} {d} {MMM}",
		long:        "{EEEE} {d} {MMMM} {y}",
		timeSep:     ":",
		dateTimeSep: ", ",
	},
	"hr": {
		weekdays:    [7]string{"nedjelja", "ponedjeljak", "utorak", "srijeda", "četvrtak", "petak", "subota"},
		weekdaysAbb: [7]string{"ned", "pon", "uto", "sri", "čet", "pet", "sub"},
		months:      [12]string{"siječnja", "veljače", "ožujka", "travnja", "svibnja", "lipnja", "srpnja", "kolovoza", "rujna", "listopada", "studenoga", "prosinca"},
		monthsAbb:   [12]string{"sij", "velj", "ožu", "tra", "svi", "lip", "srp", "kol", "ruj", "lis", "stu", "pro"},
		short:       "{E}, {d}. {MMM}",
		long:        "{EEEE}, {d}. {MMMM} {y}.",
		timeSep:     ":",
		dateTimeSep: " u ",
	},
	"hu": {
		weekdays:    [7]string{"vasárnap", "hétfő", "kedd", "szerda", "csütörtök", "péntek", "szombat"},
		weekdaysAbb: [7]string{"V", "H", "K", "Sze", "Cs", "P", "Szo"},
		months:      [12]string{"január", "február", "március", "április", "május", "június", "július", "augusztus", "szeptember", "október", "november", "december"},
		monthsAbb:   [12]string{"jan.", "febr.", "márc.", "ápr.", "máj.", "jún.", "júl.", "aug.", "szept.", "okt.", "nov.", "dec."},
		short:       "{MMM} {d}., {E}",
		long:        "{y}. {MMMM} {d}., {EEEE}",
		timeSep:     ":",
		dateTimeSep: " ",
		bareHour:    true,
	},
	"lt": {
		weekdays:    [7]string{"sekmadienis", "pirmadienis", "antradienis", "trečiadienis", "ketvirtadienis", "penktadienis", "šeštadienis"},
		weekdaysAbb: [7]string{"sk", "pr", "an", "tr", "kt", "pn", "št"},
		months:      [12]string{"sausio", "vasario", "kovo", "balandžio", "gegužės", "birželio", "liepos", "rugpjūčio", "rugsėjo", "spalio", "lapkričio", "gruodžio"},
		monthsAbb:   [12]string{"saus.", "vas.", "kov.", "bal.", "geg.", "birž.", "liep.", "rugp.", "rugs.", "spal.", "lapkr.", "gruod."},
		short:       "{MMMM} {d} d., {E}",
		long:        "{y} m. {MMMM} {d} d., {EEEE}",
		timeSep:     ":",
		dateTimeSep: " ",
	},
	"lv": {
		weekdays:    [7]string{"svētdiena", "pirmdiena", "otrdiena", "trešdiena", "ceturtdiena", "piektdiena", "sestdiena"},
		weekdaysAbb: [7]string{"svētd.", "pirmd.", "otrd.", "trešd.", "ceturtd.", "piektd.", "sestd."},
		months:      [12]string{"janvāris", "februāris", "marts", "aprīlis", "maijs", "jūnijs", "jūlijs", "augusts", "septembris", "oktobris", "novembris", "decembris"},
		monthsAbb:   [12]string{"janv.", "febr.", "marts", "apr.", "maijs", "jūn.", "jūl.", "aug.", "sept.", "okt.", "nov.", "dec."},
		short:       "{E}, {d}. {MMM}",
		long:        "{EEEE}, {y}. gada {d}. {MMMM}",
		timeSep:     ":",
		dateTimeSep: " ",
	},
	"mt": {
		weekdays:    [7]string{"Il-Ħadd", "It-Tnejn", "It-Tlieta", "L-Erbgħa", "Il-Ħamis", "Il-Ġimgħa", "Is-Sibt"},
		weekdaysAbb: [7]string{"Ħad", "Tne", "Tli", "Erb", "Ħam", "Ġim", "Sib"},
		months:      [12]string{"Jannar", "Frar", "Marzu", "April", "Mejju", "Ġunju", "Lulju", "Awwissu", "Settembru", "Ottubru", "Novembru", "Diċembru"},
		monthsAbb:   [12]string{"Jan", "Fra", "Mar", "Apr", "Mej", "Ġun", "Lul", "Aww", "Set", "Ott", "Nov", "Diċ"},
		short:       "{E}, {d} {MMM}",
		long:        "{EEEE}, {d} ta’ {MMMM} {y}",
		timeSep:     ":",
		dateTimeSep: ", ",
	},
	"ro": {
		weekdays:    [7]string{"duminică", "luni", "marți", "miercuri", "joi", "vineri", "sâmbătă"},
		weekdaysAbb: [7]string{"dum.", "lun.", "mar.", "mie.", "joi", "vin.", "sâm."},
		months:      [12]string{"ianuarie", "februarie", "martie", "aprilie", "mai", "iunie", "iulie", "august", "septembrie", "octombrie", "noiembrie", "decembrie"},
		monthsAbb:   [12]string{"ian.", "feb.", "mar.", "apr.", "mai", "iun.", "iul.", "aug.", "sept.", "oct.", "nov.", "dec."},
		short:       "{E}, {d} {MMM}",
		long:        "{EEEE}, {d} {MMMM} {y}",
		timeSep:     ":",
		dateTimeSep: ", ",
	},
	"sk": {
		weekdays:    [7]string{"nedeľa", "pondelok", "utorok", "streda", "štvrtok", "piatok", "sobota"},
		weekdaysAbb: [7]string{"ne", "po", "ut", "st", "št", "pi", "so"},
		months:      [12]string{"januára", "februára", "marca", "apríla", "mája", "júna", "júla", "augusta", "septembra", "októbra", "novembra", "decembra"},
		monthsAbb:   [12]string{"jan", "feb", "mar", "apr", "máj", "jún", "júl", "aug", "sep", "okt", "nov", "dec"},
		short:       "{E} {d}. {M}.",
		long:        "{EEEE} {d}. {MMMM} {y}",
		timeSep:     ":",
		dateTimeSep: ", ",
		bareHour:    true,
	},
	"sl": {
		weekdays:    [7]string{"nedelja", "ponedeljek", "torek", "sreda", "četrtek", "petek", "sobota"},
		weekdaysAbb: [7]string{"ned.", "pon.", "tor.", "sre.", "čet.", "pet.", "sob."},
		months:      [12]string{"januar", "februar", "marec", "april", "maj", "junij", "julij", "avgust", "september", "oktober", "november", "december"},
		monthsAbb:   [12]string{"jan.", "feb.", "mar.", "apr.", "maj", "jun.", "jul.", "avg.", "sep.", "okt.", "nov.", "dec."},
		short:       "{E}, {d}. {MMM}",
		long:        "{EEEE}, {d}. {MMMM} {y}",
		timeSep:     ":",
		dateTimeSep: ", ",
	},
	"nb": {
		weekdays:    [7]string{"søndag", "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag"},
		weekdaysAbb: [7]string{"søn.", "man.", "tir.", "ons.", "tor.", "fre.", "lør."},
		months:      [12]string{"januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober", "november", "desember"},
		monthsAbb:   [12]string{"jan.", "feb.", "mar.", "apr.", "mai", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "des."},
		short:       "{E} {d}. {MMM}",
		long:        "{EEEE} {d}. {MMMM} {y}",
		timeSep:     ":",
		dateTimeSep: " kl. ",
	},
	"tr": {
		weekdays:    [7]string{"Pazar", "Pazartesi", "Salı", "Çarşamba", "Perşembe", "Cuma", "Cumartesi"},
		weekdaysAbb: [7]string{"Paz", "Pzt", "Sal", "Çar", "Per", "Cum", "Cmt"},
		months:      [12]string{"Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos", "Eylül", "Ekim", "Kasım", "Aralık"},
		monthsAbb:   [12]string{"Oca", "Şub", "Mar", "Nis", "May", "Haz", "Tem", "Ağu", "Eyl", "Eki", "Kas", "Ara"},
		short:       "{d} {MMM} {E}",
		long:        "{d} {MMMM} {y} {EEEE}",
		timeSep:     ":",
		dateTimeSep: " ",
	},
	"uk": {
		weekdays:    [7]string{"неділя", "понеділок", "вівторок", "середа", "четвер", "п’ятниця", "субота"},
		weekdaysAbb: [7]string{"нд", "пн", "вт", "ср", "чт", "пт", "сб"},
		months:      [12]string{"січня", "лютого", "березня", "квітня", "травня", "червня", "липня", "серпня", "вересня", "жовтня", "листопада", "грудня"},
		monthsAbb:   [12]string{"січ.", "лют.", "бер.", "квіт.", "трав.", "черв.", "лип.", "серп.", "вер.", "жовт.", "лист.", "груд."},
		short:       "{E}, {d} {MMM}",
		long:        "{EEEE}, {d} {MMMM} {y} р.",
		timeSep:     ":",
		dateTimeSep: ", ",
	},
	"ru": {
		weekdays:    [7]string{"воскресенье", "понедельник", "вторник", "среда", "четверг", "пятница", "суббота"},
		weekdaysAbb: [7]string{"вс", "пн", "вт", "ср", "чт", "пт", "сб"},
		months:      [12]string{"января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"},
		monthsAbb:   [12]string{"янв.", "февр.", "мар.", "апр.", "мая", "июн.", "июл.", "авг.", "сент.", "окт.", "нояб.", "дек."},
		short:       "{E}, {d} {MMM}",
		long:        "{EEEE}, {d} {MMMM} {y} г.",
		timeSep:     ":",
		dateTimeSep: ", ",
	},
}

// calendarFor returns lang's calendar, or Default's when lang is not supported.
func calendarFor(lang string) calendar {
	if c, ok := calendars[Match(lang)]; ok {
		return c
	}
	return calendars[Default]
}

// format expands a calendar layout for t.
func (c calendar) format(layout string, t time.Time) string {
	return strings.NewReplacer(
		"{EEEE}", c.weekdays[t.Weekday()],
		"{E}", c.weekdaysAbb[t.Weekday()],
		"{MMMM}", c.months[t.Month()-1],
		"{MMM}", c.monthsAbb[t.Month()-1],
		"{M}", strconv.Itoa(int(t.Month())),
		"{d}", strconv.Itoa(t.Day()),
		"{y}", strconv.Itoa(t.Year()),
	).Replace(layout)
}

// FormatDateShort writes t's weekday, day and month the way lang does in running text,
// without the year: "Tue 14 Oct" (en), "Di., 14. Okt." (de), "mar. 14 oct." (fr),
// "mar, 14 oct" (es). t is formatted in its own location; convert it first. An unsupported
// lang is formatted as Default.
func FormatDateShort(lang string, t time.Time) string {
	c := calendarFor(lang)
	return c.format(c.short, t)
}

// FormatDateLong writes t's full date with weekday and year: "Tuesday 14 October 2025"
// (en), "Dienstag, 14. Oktober 2025" (de), "martes, 14 de octubre de 2025" (es). t is
// formatted in its own location; an unsupported lang is formatted as Default.
func FormatDateLong(lang string, t time.Time) string {
	c := calendarFor(lang)
	return c.format(c.long, t)
}

// FormatTime writes t's time of day on the 24-hour clock: "14:05", or "14.05" in Danish
// and Finnish. Hours before 10 take a leading zero ("09:05") except in Spanish, Czech and
// Finnish ("9:05", "9.05"). t is formatted in its own location.
func FormatTime(lang string, t time.Time) string {
	c := calendarFor(lang)
	h := twoDigits(t.Hour())
	if c.bareHour {
		h = strconv.Itoa(t.Hour())
	}
	return h + c.timeSep + twoDigits(t.Minute())
}

// FormatDateTime writes the short date followed by the time, joined as lang joins them:
// "Tue 14 Oct, 14:05" (en), "Di., 14. Okt., 14:05" (de), "ti 14.10. klo 14.05" (fi).
func FormatDateTime(lang string, t time.Time) string {
	c := calendarFor(lang)
	return c.format(c.short, t) + c.dateTimeSep + FormatTime(lang, t)
}

// weekdayKeys maps time.Weekday to the catalog key suffix.
var weekdayKeys = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// WeekdayName returns lang's stand-alone name for d, as used for labels such as the rows
// of opening hours: the catalog's "weekday.<day>" or, when short, "weekday_short.<day>"
// ("Monday"/"Mon", "Montag"/"Mo"). Names are capitalised as a label begins. A weekday
// outside Sunday..Saturday gives "".
func WeekdayName(lang string, d time.Weekday, short bool) string {
	if d < time.Sunday || d > time.Saturday {
		return ""
	}
	prefix := "weekday."
	if short {
		prefix = "weekday_short."
	}
	return T(lang, prefix+weekdayKeys[d])
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}
