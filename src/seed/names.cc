#include "seed/names.h"

#include <array>

namespace ember::seed {

namespace {

constexpr auto kFemale = std::to_array<std::string_view>({
    "Olivia",   "Emma",      "Ava",      "Sophia",  "Isabella",  "Mia",    "Charlotte", "Amelia",
    "Harper",   "Evelyn",    "Abigail",  "Emily",   "Elizabeth", "Sofia",  "Ella",      "Madison",
    "Scarlett", "Grace",     "Chloe",    "Zoë",     "Renée",     "Chloé",  "María",     "Lucía",
    "Ana",      "Valentina", "Mei",      "Priya",   "Aaliyah",   "Fatima", "Hannah",    "Noor",
    "Ingrid",   "Siobhán",   "Margaret", "Dorothy", "Ruth",      "Linda",  "Patricia",  "Keiko",
});

constexpr auto kMale = std::to_array<std::string_view>({
    "Liam",   "Noah",     "Oliver", "Elijah", "James",     "William", "Benjamin", "Lucas",
    "Henry",  "Theodore", "Jack",   "Levi",   "Alexander", "Daniel",  "Michael",  "Ethan",
    "José",   "Luis",     "Mateo",  "Andrés", "François",  "Jérôme",  "Björn",    "Søren",
    "Wei",    "Hiroshi",  "Arjun",  "Omar",   "Malik",     "Darnell", "Samuel",   "Joseph",
    "Robert", "Thomas",   "George", "Frank",  "Raymond",   "Kwame",   "Dmitri",   "Nikolai",
});

constexpr auto kFamily = std::to_array<std::string_view>({
    "Smith",     "Johnson",  "Williams",  "Brown",    "Jones",    "Miller",   "Davis",    "García",
    "Rodríguez", "Martínez", "Hernández", "López",    "González", "Wilson",   "Anderson", "Thomas",
    "Taylor",    "Moore",    "Jackson",   "Martin",   "Lee",      "Pérez",    "Thompson", "White",
    "Harris",    "Sánchez",  "Clark",     "Ramírez",  "Lewis",    "Robinson", "Walker",   "Young",
    "Allen",     "King",     "Wright",    "Nguyen",   "Kim",      "Patel",    "Chen",     "Wang",
    "Müller",    "Schröder", "O'Brien",   "Kowalski", "Novák",    "Ødegaard", "Byrne",    "Okafor",
    "Mensah",    "Haddad",   "Cohen",     "Rossi",    "Dubois",   "Lefèvre",  "Yamamoto", "Sato",
    "Ivanova",   "Brooks",   "Carter",    "Reyes",
});

constexpr auto kStreets = std::to_array<std::string_view>({
    "Maple",    "Oak",     "Cedar",  "Pine",   "Elm",      "Washington", "Lake",
    "Hill",     "Park",    "Main",   "Church", "Highland", "Sunset",     "Willow",
    "Chestnut", "Walnut",  "Spring", "Ridge",  "Meadow",   "Franklin",   "Jefferson",
    "Lincoln",  "Madison", "River",  "Forest", "Harbor",   "Mill",       "Orchard",
});

constexpr auto kSuffixes = std::to_array<std::string_view>({
    "Street",
    "Avenue",
    "Road",
    "Lane",
    "Drive",
    "Court",
    "Way",
    "Boulevard",
    "Place",
    "Terrace",
});

constexpr auto kCities = std::to_array<City>({
    {"Boston", "MA", "021", "617"},       {"Worcester", "MA", "016", "508"},
    {"Springfield", "MA", "011", "413"},  {"Providence", "RI", "029", "401"},
    {"Hartford", "CT", "061", "860"},     {"Burlington", "VT", "054", "802"},
    {"Portland", "ME", "041", "207"},     {"Manchester", "NH", "031", "603"},
    {"Albany", "NY", "122", "518"},       {"Rochester", "NY", "146", "585"},
    {"Philadelphia", "PA", "191", "215"}, {"Pittsburgh", "PA", "152", "412"},
    {"Baltimore", "MD", "212", "410"},    {"Richmond", "VA", "232", "804"},
    {"Raleigh", "NC", "276", "919"},      {"Atlanta", "GA", "303", "404"},
    {"Miami", "FL", "331", "305"},        {"Orlando", "FL", "328", "407"},
    {"Nashville", "TN", "372", "615"},    {"Columbus", "OH", "432", "614"},
    {"Detroit", "MI", "482", "313"},      {"Chicago", "IL", "606", "312"},
    {"Madison", "WI", "537", "608"},      {"Minneapolis", "MN", "554", "612"},
    {"St. Louis", "MO", "631", "314"},    {"Denver", "CO", "802", "303"},
    {"Austin", "TX", "787", "512"},       {"Houston", "TX", "770", "713"},
    {"San Antonio", "TX", "782", "210"},  {"Albuquerque", "NM", "871", "505"},
    {"Phoenix", "AZ", "850", "602"},      {"Salt Lake City", "UT", "841", "801"},
    {"Seattle", "WA", "981", "206"},      {"Portland", "OR", "972", "503"},
    {"San Diego", "CA", "921", "619"},    {"Sacramento", "CA", "958", "916"},
    {"Honolulu", "HI", "968", "808"},     {"Anchorage", "AK", "995", "907"},
});

}  // namespace

std::span<const std::string_view> female_given_names() {
  return kFemale;
}
std::span<const std::string_view> male_given_names() {
  return kMale;
}
std::span<const std::string_view> family_names() {
  return kFamily;
}
std::span<const std::string_view> street_names() {
  return kStreets;
}
std::span<const std::string_view> street_suffixes() {
  return kSuffixes;
}
std::span<const City> cities() {
  return kCities;
}

}  // namespace ember::seed
