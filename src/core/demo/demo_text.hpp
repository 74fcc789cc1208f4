// Text pools of the demo generator (demo.cpp): per-country names, streets, cities,
// postal-code and phone patterns, company-name patterns, and the small lists of
// departments, titles, stages and statuses. Kept apart from the generator's logic so
// each can be read on its own. Internal to the core; nothing outside demo.cpp uses it.
//
// Pattern characters (expanded by demo.cpp): '#' a digit, '$' a digit 1-9, '@' an
// upper-case letter A-Z, '%' a name substituted by the caller. None of them appears
// literally in the pools.
#pragma once

#include <span>

namespace redline::demo_text {

// A name as written, and the ASCII form people use for it in e-mail addresses and
// usernames (lower case, letters and '-' only, never a digit).
struct Name {
  const char* text;
  const char* ascii;
};

struct City {
  const char* city;
  const char* state;
  const char* postal;  // pattern; "" when the country has no postal codes in use
};

enum class NameOrder {
  GivenFirst,     // "Łukasz Kowalski"
  FamilyFirst,    // "Nguyễn Thảo" (family name, space, given name)
  FamilyNoSpace,  // "王伟", "佐藤美咲", "김민준"
};

struct Locale {
  const char* code;             // for people reading the code
  const char* country;          // as most users type it
  const char* country_native;   // as some users type it
  const char* currency;         // ISO 4217
  const char* mail_domain;      // personal addresses in this country
  NameOrder order;
  std::span<const Name> given;
  std::span<const Name> family;
  std::span<const char* const> streets;    // patterns
  std::span<const City> cities;
  std::span<const char* const> phones;     // patterns, at most 20 characters expanded
  std::span<const char* const> companies;  // patterns, '%' = a family name
};

// ---- Per-country pools -------------------------------------------------------

inline constexpr Name kUsGiven[] = {{"James", "james"}, {"Mary", "mary"}, {"Sam", "sam"}, {"Emily", "emily"},
                                    {"Michael", "michael"}, {"Mary-Kate", "mary-kate"}, {"Zoë", "zoe"}};
inline constexpr Name kUsFamily[] = {{"Smith", "smith"},       {"Johnson", "johnson"}, {"O'Brien", "obrien"},
                                     {"D'Angelo", "dangelo"},   {"Miller-Jones", "miller-jones"},
                                     {"García", "garcia"},      {"Washington", "washington"}};
inline constexpr const char* kUsStreets[] = {"$## 5th Ave", "$## Elm Street", "$# Martin Luther King Jr. Blvd",
                                             "$### Mission St", "$## O'Farrell St"};
inline constexpr City kUsCities[] = {{"New York", "NY", "100##"},
                                     {"San Francisco", "CA", "941##"},
                                     {"Austin", "TX", "787##"},
                                     {"Chicago", "IL", "606##"},
                                     {"Boston", "MA", "021##-####"}};
inline constexpr const char* kUsPhones[] = {"+1 212 555 01##", "(555) 01##", "+1 415 555 01## x$#"};
inline constexpr const char* kUsCompanies[] = {"% & Co", "% Holdings Inc.", "%, Smith & Partners LLP"};

inline constexpr Name kUkGiven[] = {{"Siobhán", "siobhan"}, {"Oliver", "oliver"}, {"Amelia", "amelia"},
                                    {"Seán", "sean"},       {"Niamh", "niamh"},   {"Rhys", "rhys"}};
inline constexpr Name kUkFamily[] = {{"Taylor", "taylor"},         {"Featherstonehaugh", "featherstonehaugh"},
                                     {"McDonald", "mcdonald"},     {"O'Sullivan", "osullivan"},
                                     {"Ní Bhriain", "nibhriain"}, {"Evans", "evans"}};
inline constexpr const char* kUkStreets[] = {"$# Baker Street", "Flat $#, $# Queen's Road", "$# King's Parade",
                                             "The Old Rectory, Church Lane"};
inline constexpr City kUkCities[] = {{"London", "", "SW1A $@@"},
                                     {"Manchester", "Greater Manchester", "M$ $@@"},
                                     {"Edinburgh", "Scotland", "EH$ $@@"},
                                     {"Cardiff", "Wales", "CF$# $@@"}};
inline constexpr const char* kUkPhones[] = {"+44 20 7946 0###", "020 7946 0###"};
inline constexpr const char* kUkCompanies[] = {"% Holdings Ltd", "% & Daughters Ltd"};

inline constexpr Name kPlGiven[] = {{"Małgorzata", "malgorzata"}, {"Łukasz", "lukasz"},  {"Zofia", "zofia"},
                                    {"Wojciech", "wojciech"},     {"Agnieszka", "agnieszka"},
                                    {"Paweł", "pawel"},           {"Żaneta", "zaneta"},  {"Jędrzej", "jedrzej"}};
inline constexpr Name kPlFamily[] = {{"Kowalski", "kowalski"},   {"Wiśniewska", "wisniewska"},
                                     {"Wójcik", "wojcik"},       {"Zieliński", "zielinski"},
                                     {"Szymańska", "szymanska"}, {"Brzęczyszczykiewicz", "brzeczyszczykiewicz"},
                                     {"Dąbrowski", "dabrowski"}, {"Łuczak", "luczak"}};
inline constexpr const char* kPlStreets[] = {"ul. Marszałkowska $#/$", "ul. Świętokrzyska $#", "al. Jerozolimskie $##",
                                             "ul. Żeromskiego $# lok. $", "pl. Grunwaldzki $"};
inline constexpr City kPlCities[] = {{"Warszawa", "mazowieckie", "00-$##"},
                                     {"Kraków", "małopolskie", "31-$##"},
                                     {"Łódź", "łódzkie", "90-$##"},
                                     {"Gdańsk", "pomorskie", "80-$##"},
                                     {"Wrocław", "dolnośląskie", "50-$##"}};
inline constexpr const char* kPlPhones[] = {"+48 22 ### ## ##", "+48 6## ### ###"};
inline constexpr const char* kPlCompanies[] = {"% i Synowie Sp. z o.o.", "\"Północ\" Sp. z o.o.",
                                               "Przedsiębiorstwo Handlowe %"};

inline constexpr Name kVnGiven[] = {{"Thảo", "thao"}, {"Dũng", "dung"},          {"Hương", "huong"}, {"Minh", "minh"},
                                    {"Phương", "phuong"}, {"Quốc Anh", "quocanh"}, {"Ngọc", "ngoc"},   {"Tuấn", "tuan"}};
inline constexpr Name kVnFamily[] = {{"Nguyễn", "nguyen"}, {"Trần", "tran"}, {"Lê", "le"},     {"Phạm", "pham"},
                                     {"Hoàng", "hoang"},   {"Võ", "vo"},     {"Đặng", "dang"}, {"Bùi", "bui"}};
inline constexpr const char* kVnStreets[] = {"$# Nguyễn Huệ", "$## Lê Lợi, Phường Bến Nghé", "$# Đồng Khởi",
                                             "$#/$ Hai Bà Trưng", "Số $# ngõ $# Trần Hưng Đạo"};
inline constexpr City kVnCities[] = {{"Thành phố Hồ Chí Minh", "Quận 1", "700000"},
                                     {"Hà Nội", "Hoàn Kiếm", "100000"},
                                     {"Đà Nẵng", "Hải Châu", "550000"}};
inline constexpr const char* kVnPhones[] = {"+84 28 #### ####", "09# ### ####"};
inline constexpr const char* kVnCompanies[] = {"Công ty TNHH %", "Công ty Cổ phần % Việt"};

inline constexpr Name kTrGiven[] = {{"Çağrı", "cagri"}, {"Gülşen", "gulsen"}, {"İsmail", "ismail"}, {"Şebnem", "sebnem"},
                                    {"Ömer", "omer"},   {"Ayşe", "ayse"},     {"Mehmet", "mehmet"}, {"Ülkü", "ulku"}};
inline constexpr Name kTrFamily[] = {{"Yılmaz", "yilmaz"}, {"Öztürk", "ozturk"}, {"Şahin", "sahin"}, {"Çelik", "celik"},
                                     {"Doğan", "dogan"},   {"Kılıç", "kilic"},   {"Aydın", "aydin"}, {"Güneş", "gunes"}};
inline constexpr const char* kTrStreets[] = {"Atatürk Cd. No:$# D:$", "İstiklal Cd. No:$##", "Bağdat Cd. No:$## Kat:$",
                                             "Cumhuriyet Mah. $#. Sk. No:$"};
inline constexpr City kTrCities[] = {{"İstanbul", "Kadıköy", "347##"}, {"İzmir", "Konak", "352##"}, {"Ankara", "Çankaya", "066##"}};
inline constexpr const char* kTrPhones[] = {"+90 212 ### ## ##", "0 (5##) ### ## ##"};
inline constexpr const char* kTrCompanies[] = {"% Ticaret A.Ş.", "% Lojistik Ltd. Şti."};

inline constexpr Name kJpGiven[] = {{"美咲", "misaki"}, {"翔太", "shota"}, {"陽菜", "hina"},
                                    {"健", "ken"},      {"さくら", "sakura"}, {"大輔", "daisuke"}};
// 𠮷 (U+20BB7) is outside the BMP: four UTF-8 bytes, a surrogate pair in UTF-16.
inline constexpr Name kJpFamily[] = {{"佐藤", "sato"},   {"鈴木", "suzuki"},   {"高橋", "takahashi"},
                                     {"田中", "tanaka"}, {"𠮷田", "yoshida"}, {"渡辺", "watanabe"}};
inline constexpr const char* kJpStreets[] = {"丸の内$丁目$-$", "西新宿$丁目$-$", "梅田$-$-$ グランフロント$#階"};
inline constexpr City kJpCities[] = {{"千代田区", "東京都", "100-000$"},
                                     {"新宿区", "東京都", "160-0023"},
                                     {"大阪市北区", "大阪府", "530-00$#"},
                                     {"京都市中京区", "京都府", "604-8###"}};
inline constexpr const char* kJpPhones[] = {"03-####-####", "+81 6-####-####"};
inline constexpr const char* kJpCompanies[] = {"株式会社%商事", "%工業株式会社"};

inline constexpr Name kCnGiven[] = {{"伟", "wei"}, {"芳", "fang"}, {"秀英", "xiuying"}, {"磊", "lei"}, {"静", "jing"}, {"明", "ming"}};
inline constexpr Name kCnFamily[] = {{"王", "wang"}, {"李", "li"},   {"张", "zhang"},
                                     {"刘", "liu"},  {"陈", "chen"}, {"欧阳", "ouyang"}};
inline constexpr const char* kCnStreets[] = {"建国路$#号", "南京东路$##号$#室", "深南大道$###号"};
inline constexpr City kCnCities[] = {{"北京", "北京市", "1000##"}, {"上海", "上海市", "2000##"}, {"深圳", "广东省", "5180##"}};
inline constexpr const char* kCnPhones[] = {"+86 10 #### ####", "+86 13# #### ####"};
inline constexpr const char* kCnCompanies[] = {"%氏贸易有限公司", "北京%科技有限公司"};

inline constexpr Name kKrGiven[] = {{"민준", "minjun"}, {"서연", "seoyeon"}, {"지호", "jiho"}, {"하은", "haeun"}};
inline constexpr Name kKrFamily[] = {{"김", "kim"}, {"박", "park"}, {"이", "lee"}, {"최", "choi"}};
inline constexpr const char* kKrStreets[] = {"테헤란로 $##", "세종대로 $#길 $#", "해운대로 $##번길 $#"};
inline constexpr City kKrCities[] = {{"서울", "서울특별시", "06###"}, {"부산", "부산광역시", "48###"}};
inline constexpr const char* kKrPhones[] = {"+82 2-###-####", "010-####-####"};
inline constexpr const char* kKrCompanies[] = {"(주)%무역", "%소프트 주식회사"};

inline constexpr Name kRuGiven[] = {{"Алексей", "aleksei"}, {"Наталья", "natalya"}, {"Дмитрий", "dmitry"},
                                    {"Ольга", "olga"},      {"Сергей", "sergei"},   {"Екатерина", "ekaterina"}};
inline constexpr Name kRuFamily[] = {{"Иванова", "ivanova"},       {"Смирнов", "smirnov"}, {"Кузнецова", "kuznetsova"},
                                     {"Попов", "popov"},           {"Соколов", "sokolov"}, {"Лебедева", "lebedeva"}};
inline constexpr const char* kRuStreets[] = {"ул. Тверская, д. $#, кв. $#", "Невский пр., д. $##",
                                             "ул. Ленина, д. $#, корп. $"};
inline constexpr City kRuCities[] = {{"Москва", "", "125###"},
                                     {"Санкт-Петербург", "", "191###"},
                                     {"Новосибирск", "Новосибирская обл.", "630###"}};
inline constexpr const char* kRuPhones[] = {"+7 495 ###-##-##", "+7 9## ###-##-##"};
inline constexpr const char* kRuCompanies[] = {"ООО «%»", "АО «% и партнёры»"};

inline constexpr Name kGrGiven[] = {{"Γιώργος", "giorgos"}, {"Ελένη", "eleni"}, {"Δημήτρης", "dimitris"},
                                    {"Μαρία", "maria"},     {"Νίκος", "nikos"}, {"Σοφία", "sofia"}};
inline constexpr Name kGrFamily[] = {{"Παπαδόπουλος", "papadopoulos"}, {"Οικονόμου", "oikonomou"},
                                     {"Γεωργίου", "georgiou"},         {"Νικολάου", "nikolaou"},
                                     {"Καραγιάννη", "karagianni"}};
inline constexpr const char* kGrStreets[] = {"Οδός Ερμού $#", "Λεωφ. Βασιλίσσης Σοφίας $##", "Τσιμισκή $#"};
inline constexpr City kGrCities[] = {{"Αθήνα", "Αττική", "105 $#"}, {"Θεσσαλονίκη", "Κεντρική Μακεδονία", "546 $#"}};
inline constexpr const char* kGrPhones[] = {"+30 21 0### ####", "+30 69# ### ####"};
inline constexpr const char* kGrCompanies[] = {"% Α.Ε.", "% & Υιοί Ο.Ε."};

inline constexpr Name kDeGiven[] = {{"Jürgen", "juergen"}, {"Björn", "bjoern"}, {"Sören", "soeren"},
                                    {"Lena", "lena"},      {"Maximilian", "maximilian"}, {"Grete", "grete"}};
inline constexpr Name kDeFamily[] = {{"Müller", "mueller"}, {"Schröder", "schroeder"}, {"Weiß", "weiss"},
                                     {"Groß", "gross"},     {"von Drachenfels", "vondrachenfels"},
                                     {"Bäcker", "baecker"}};
inline constexpr const char* kDeStreets[] = {"Königsallee $#", "Straße des 17. Juni $##", "Schloßstraße $#a", "Hauptstr. $#"};
inline constexpr City kDeCities[] = {{"Berlin", "BE", "10###"}, {"München", "BY", "80###"}, {"Düsseldorf", "NW", "40###"}, {"Köln", "NW", "50###"}};
inline constexpr const char* kDePhones[] = {"+49 30 #######", "+49 89 ### ###"};
inline constexpr const char* kDeCompanies[] = {"% GmbH & Co. KG", "% AG"};

inline constexpr Name kFrGiven[] = {{"Jean-Luc", "jean-luc"}, {"Chloé", "chloe"}, {"Renée", "renee"},
                                    {"François", "francois"}, {"Zoë", "zoe"},     {"Hélène", "helene"}};
inline constexpr Name kFrFamily[] = {{"Dubois", "dubois"},          {"Lefèvre", "lefevre"},   {"Moreau", "moreau"},
                                     {"de la Fontaine", "delafontaine"}, {"Bélanger", "belanger"}, {"L'Herbier", "lherbier"}};
inline constexpr const char* kFrStreets[] = {"$# rue de l'Église", "$#, avenue des Champs-Élysées",
                                             "$# bis boulevard Haussmann", "$# place d'Italie"};
inline constexpr City kFrCities[] = {{"Paris", "Île-de-France", "750##"},
                                     {"Lyon", "Auvergne-Rhône-Alpes", "6900$"},
                                     {"Marseille", "Provence-Alpes-Côte d'Azur", "130##"}};
inline constexpr const char* kFrPhones[] = {"+33 1 ## ## ## ##", "06 ## ## ## ##"};
inline constexpr const char* kFrCompanies[] = {"% & Fils SARL", "Société Générale d'Études %"};

inline constexpr Name kBrGiven[] = {{"João", "joao"}, {"Conceição", "conceicao"}, {"Luís", "luis"},
                                    {"Ana Clara", "anaclara"}, {"Thiago", "thiago"}, {"Beatriz", "beatriz"}};
inline constexpr Name kBrFamily[] = {{"Gonçalves", "goncalves"}, {"da Silva", "dasilva"},     {"Araújo", "araujo"},
                                     {"Magalhães", "magalhaes"}, {"Conceição", "conceicao"}, {"Assunção", "assuncao"}};
inline constexpr const char* kBrStreets[] = {"Avenida Paulista, $###", "Rua Oscar Freire, $##, apto $#",
                                             "Rua da Consolação, $###"};
inline constexpr City kBrCities[] = {{"São Paulo", "SP", "01310-###"},
                                     {"Rio de Janeiro", "RJ", "22$##-###"},
                                     {"Belo Horizonte", "MG", "30$##-###"}};
inline constexpr const char* kBrPhones[] = {"+55 11 9####-####", "(21) 9####-####"};
inline constexpr const char* kBrCompanies[] = {"% Comércio Ltda.", "Padaria Pão de Açúcar de %"};

// "Adébáyọ̀" ends in U+1ECD U+0300: a combining accent, so bytes and characters differ.
inline constexpr Name kNgGiven[] = {{"Chukwuemeka", "chukwuemeka"}, {"Ngozi", "ngozi"}, {"Oluwaseun", "oluwaseun"},
                                    {"Adaeze", "adaeze"},           {"Adébáyọ̀", "adebayo"}};
inline constexpr Name kNgFamily[] = {{"Okafor", "okafor"}, {"Adeyemi", "adeyemi"}, {"Okonkwo", "okonkwo"},
                                     {"Ọlábísí", "olabisi"}, {"Eze", "eze"}};
inline constexpr const char* kNgStreets[] = {"$# Adeola Odeku Street", "Plot $##, Admiralty Way", "$# Awolowo Road"};
inline constexpr City kNgCities[] = {{"Lagos", "Lagos", "1012##"}, {"Abuja", "FCT", "9000##"}, {"Ibadan", "Oyo", ""}};
inline constexpr const char* kNgPhones[] = {"+234 1 ### ####", "+234 80# ### ####"};
inline constexpr const char* kNgCompanies[] = {"% Ventures Ltd", "% & Sons Nigeria Ltd"};

inline constexpr Name kInGiven[] = {{"Priya", "priya"}, {"Ravi", "ravi"},       {"Aarav", "aarav"},
                                    {"Ananya", "ananya"}, {"Lakshmi", "lakshmi"}, {"अनन्या", "ananya"}};
inline constexpr Name kInFamily[] = {{"Patel", "patel"}, {"Iyer", "iyer"},   {"Reddy", "reddy"},
                                     {"Sharma", "sharma"}, {"Venkataraghavan", "venkataraghavan"}, {"शर्मा", "sharma"}};
inline constexpr const char* kInStreets[] = {"$#, MG Road", "Flat $#, $# Linking Road", "$##/$ Nehru Place"};
inline constexpr City kInCities[] = {{"Bengaluru", "Karnataka", "5600##"},
                                     {"Mumbai", "Maharashtra", "4000##"},
                                     {"New Delhi", "Delhi", "1100##"}};
inline constexpr const char* kInPhones[] = {"+91 80 #### ####", "+91 9#### #####"};
inline constexpr const char* kInCompanies[] = {"% Industries Pvt. Ltd.", "% & Sons Pvt. Ltd."};

inline constexpr Locale kLocales[] = {
    {"us", "USA", "United States", "USD", "example.com", NameOrder::GivenFirst, kUsGiven, kUsFamily, kUsStreets, kUsCities, kUsPhones, kUsCompanies},
    {"uk", "United Kingdom", "UK", "GBP", "uk.example", NameOrder::GivenFirst, kUkGiven, kUkFamily, kUkStreets, kUkCities, kUkPhones, kUkCompanies},
    {"pl", "Poland", "Polska", "PLN", "pl.example", NameOrder::GivenFirst, kPlGiven, kPlFamily, kPlStreets, kPlCities, kPlPhones, kPlCompanies},
    {"vn", "Vietnam", "Việt Nam", "VND", "vn.example", NameOrder::FamilyFirst, kVnGiven, kVnFamily, kVnStreets, kVnCities, kVnPhones, kVnCompanies},
    {"tr", "Türkiye", "Turkey", "TRY", "tr.example", NameOrder::GivenFirst, kTrGiven, kTrFamily, kTrStreets, kTrCities, kTrPhones, kTrCompanies},
    {"jp", "Japan", "日本", "JPY", "jp.example", NameOrder::FamilyNoSpace, kJpGiven, kJpFamily, kJpStreets, kJpCities, kJpPhones, kJpCompanies},
    {"cn", "China", "中国", "CNY", "cn.example", NameOrder::FamilyNoSpace, kCnGiven, kCnFamily, kCnStreets, kCnCities, kCnPhones, kCnCompanies},
    {"kr", "South Korea", "대한민국", "KRW", "kr.example", NameOrder::FamilyNoSpace, kKrGiven, kKrFamily, kKrStreets, kKrCities, kKrPhones, kKrCompanies},
    {"ru", "Russia", "Россия", "RUB", "ru.example", NameOrder::GivenFirst, kRuGiven, kRuFamily, kRuStreets, kRuCities, kRuPhones, kRuCompanies},
    {"gr", "Greece", "Ελλάδα", "EUR", "gr.example", NameOrder::GivenFirst, kGrGiven, kGrFamily, kGrStreets, kGrCities, kGrPhones, kGrCompanies},
    {"de", "Germany", "Deutschland", "EUR", "de.example", NameOrder::GivenFirst, kDeGiven, kDeFamily, kDeStreets, kDeCities, kDePhones, kDeCompanies},
    {"fr", "France", "France", "EUR", "fr.example", NameOrder::GivenFirst, kFrGiven, kFrFamily, kFrStreets, kFrCities, kFrPhones, kFrCompanies},
    {"br", "Brazil", "Brasil", "BRL", "br.example", NameOrder::GivenFirst, kBrGiven, kBrFamily, kBrStreets, kBrCities, kBrPhones, kBrCompanies},
    {"ng", "Nigeria", "Nigeria", "NGN", "ng.example", NameOrder::GivenFirst, kNgGiven, kNgFamily, kNgStreets, kNgCities, kNgPhones, kNgCompanies},
    {"in", "India", "भारत", "INR", "in.example", NameOrder::GivenFirst, kInGiven, kInFamily, kInStreets, kInCities, kInPhones, kInCompanies},
};

// ---- Shared lists ---------------------------------------------------------------

// Second address lines: after '\n', '\r\n' or '\t'. Backslashes and quotes on purpose.
inline constexpr const char* kSecondLines[] = {"Suite $#",      "Floor $",        "Apt $#",
                                               "Bldg B",        "c\\o Accounts Payable", "P.O. Box $###",
                                               "Unit $#\\$",    "\"Green Tower\", floor $", "Attn: Mr. O'Neil"};
inline constexpr const char* kPersonalDomains[] = {"example.com", "mail.example.org", "example.net"};
inline constexpr const char* kOrgMailboxes[] = {"info", "contact", "office", "hello", "kontakt"};

// Standard codes for "other" currencies (deals, orders, payments not in the home one).
inline constexpr const char* kCurrencies[] = {"USD", "EUR", "GBP", "PLN", "JPY", "CNY", "KRW",
                                              "RUB", "TRY", "VND", "BRL", "NGN", "INR", "CHF"};
// What the dirty profile puts in currency columns instead (spec §3 nonstandard_currency).
inline constexpr const char* kBadCurrencies[] = {"", "usd", "EU"};

inline constexpr const char* kDepartments[] = {"Sales",   "Marketing", "Engineering", "Finance", "Support",
                                               "Operations", "HR",     "Legal",       "R&D",     "Vertrieb",
                                               "Ventes",  "営業部",    "Отдел продаж", "Kế toán"};
inline constexpr const char* kJobTitles[] = {"Account Executive", "Sales Manager", "Engineer", "Senior Engineer",
                                             "Analyst", "Director", "Intern", "Support Specialist",
                                             "Head of Sales", "VP, Sales & Marketing", "Software Engineer II"};
inline constexpr const char* kDealTitles[] = {"Annual license renewal", "Wdrożenie systemu CRM", "Hợp đồng bảo trì",
                                              "年間保守契約", "Поставка оборудования", "Ανανέωση συμβολαίου",
                                              "Yazılım lisansı", "Pilot project \"Phoenix\"", "Upsell: 50 seats",
                                              "Migration\\Phase 2", "Rahmenvertrag 2024–2026",
                                              "Contrat cadre d'assistance", "Expansão regional"};
inline constexpr const char* kDealStages[] = {"prospecting", "qualification", "proposal", "negotiation", "won", "lost"};
inline constexpr const char* kOrderStatuses[] = {"pending", "paid", "shipped", "delivered", "cancelled", "refunded"};
inline constexpr const char* kPaymentMethods[] = {"card", "wire", "cash", "paypal", "check", ""};
inline constexpr const char* kPaymentStatuses[] = {"completed", "completed", "completed", "pending", "failed", "refunded"};
inline constexpr const char* kLeadSources[] = {"website", "referral", "event", "cold_call", "partner", ""};
inline constexpr const char* kLeadStatuses[] = {"new", "contacted", "qualified", "lost", "converted"};
inline constexpr const char* kEmployeeStatuses[] = {"active", "active", "active", "active", "active",
                                                    "active", "active", "active", "on_leave", "terminated"};

// Django's own rows for the CRM project (what `migrate` writes before any data).
struct Migration {
  const char* app;
  const char* name;
};
inline constexpr Migration kMigrations[] = {
    {"contenttypes", "0001_initial"},
    {"contenttypes", "0002_remove_content_type_name"},
    {"auth", "0001_initial"},
    {"auth", "0002_alter_permission_name_max_length"},
    {"auth", "0003_alter_user_email_max_length"},
    {"auth", "0004_alter_user_username_opts"},
    {"auth", "0005_alter_user_last_login_null"},
    {"auth", "0006_require_contenttypes_0002"},
    {"auth", "0007_alter_validators_add_error_messages"},
    {"auth", "0008_alter_user_username_max_length"},
    {"auth", "0009_alter_user_last_name_max_length"},
    {"auth", "0010_alter_group_name_max_length"},
    {"auth", "0011_update_proxy_permissions"},
    {"auth", "0012_alter_user_first_name_max_length"},
    {"crmApp", "0001_initial"},
};

struct ContentType {
  const char* app_label;
  const char* model;
  const char* verbose;  // for the permission names: "Can add <verbose>"
};
inline constexpr ContentType kContentTypes[] = {
    {"contenttypes", "contenttype", "content type"}, {"auth", "permission", "permission"},
    {"auth", "group", "group"},                      {"crmApp", "user", "user"},
    {"crmApp", "customer", "customer"},              {"crmApp", "order", "order"},
    {"crmApp", "organization", "organization"},      {"crmApp", "vendor", "vendor"},
    {"crmApp", "payment", "payment"},                {"crmApp", "lead", "lead"},
    {"crmApp", "employee", "employee"},              {"crmApp", "deal", "deal"},
};
inline constexpr const char* kPermissionActions[] = {"add", "change", "delete", "view"};

}  // namespace redline::demo_text
