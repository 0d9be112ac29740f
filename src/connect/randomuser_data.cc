// The tables behind the synthetic randomuser source. Names, places and formats per
// nationality follow what randomuser.me v1.4 serves for `?nat=XX` (locally typical names,
// real cities with their state/region, the country's phone and postcode shapes, the national
// id name). City and state are paired (the real API pairs them at random; pairing them keeps
// addresses plausible).
#include "connect/randomuser_data.h"

namespace kappa::connect {
namespace {

using SV = std::string_view;

// --- United States
constexpr SV kUsMale[] = {"James", "John", "Robert", "Michael", "William", "David", "Richard",
                          "Joseph", "Thomas", "Charles", "Daniel", "Matthew", "Anthony", "Mark",
                          "Steven", "Brandon", "Tyler", "Dylan", "Jordan", "Clinton"};
constexpr SV kUsFemale[] = {"Mary", "Patricia", "Jennifer", "Linda", "Elizabeth", "Barbara",
                            "Susan", "Jessica", "Sarah", "Karen", "Nancy", "Lisa", "Ashley",
                            "Emily", "Madison", "Jennie", "Brittany", "Kaylee", "Tracy", "Vicki"};
constexpr SV kUsLast[] = {"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller",
                          "Davis", "Rodriguez", "Martinez", "Wilson", "Anderson", "Taylor",
                          "Thomas", "Moore", "Jackson", "Nichols", "Hughes", "Reyes", "Bishop",
                          "Fleming", "Carpenter", "Hunt", "Stone"};
constexpr Place kUsPlaces[] = {{"Billings", "Montana"},      {"Austin", "Texas"},
                               {"Fresno", "California"},     {"Orlando", "Florida"},
                               {"Albany", "New York"},       {"Toledo", "Ohio"},
                               {"Boise", "Idaho"},           {"Reno", "Nevada"},
                               {"Savannah", "Georgia"},      {"Tacoma", "Washington"},
                               {"Des Moines", "Iowa"},       {"Lansing", "Michigan"},
                               {"Eugene", "Oregon"},         {"Provo", "Utah"},
                               {"Jackson", "Mississippi"},   {"Madison", "Wisconsin"}};
constexpr SV kUsStreets[] = {"Valwood Pkwy", "Mockingbird Hill", "Pecan Acres Ln",
                             "Hickory Creek Dr", "W Sherman Dr", "Karen Dr", "Lovers Ln",
                             "Royal Ln", "Parker Rd", "Cherry St", "Main St", "Oak Lawn Ave",
                             "Timber Wolf Trail", "Spring St", "E North St", "Green Rd"};

// --- United Kingdom
constexpr SV kGbMale[] = {"Oliver", "Harry", "George", "Jack", "Charlie", "Thomas", "Oscar",
                          "William", "James", "Alfie", "Liam", "Callum", "Rhys", "Owen",
                          "Kyle", "Ross", "Lewis", "Connor"};
constexpr SV kGbFemale[] = {"Olivia", "Amelia", "Isla", "Ava", "Emily", "Sophie", "Grace",
                            "Poppy", "Lily", "Ella", "Charlotte", "Freya", "Megan", "Chloe",
                            "Holly", "Abbie", "Eleanor", "Kirsty"};
constexpr SV kGbLast[] = {"Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Evans",
                          "Thomas", "Roberts", "Walker", "Wright", "Robinson", "Thompson",
                          "Hughes", "Edwards", "Green", "Hall", "Wood", "Clarke", "Patel"};
constexpr Place kGbPlaces[] = {{"Manchester", "Greater Manchester"},
                               {"Leeds", "West Yorkshire"},
                               {"Bristol", "Avon"},
                               {"Norwich", "Norfolk"},
                               {"Truro", "Cornwall"},
                               {"Exeter", "Devon"},
                               {"Cardiff", "South Glamorgan"},
                               {"Aberdeen", "Grampian"},
                               {"Stirling", "Central"},
                               {"Lincoln", "Lincolnshire"},
                               {"Carlisle", "Cumbria"},
                               {"York", "North Yorkshire"},
                               {"Canterbury", "Kent"},
                               {"Oxford", "Oxfordshire"}};
constexpr SV kGbStreets[] = {"Church Road", "Station Road", "High Street", "Mill Lane",
                             "Victoria Road", "Green Lane", "Manor Road", "Park Road",
                             "Queens Road", "Kings Road", "Grove Road", "Richmond Road",
                             "Albert Road", "New Street"};

// --- Canada
constexpr SV kCaMale[] = {"Liam", "Noah", "Ethan", "Lucas", "Logan", "Benjamin", "Nathan",
                          "Samuel", "Félix", "Olivier", "Gabriel", "Zachary", "Mathis",
                          "Xavier", "Tristan", "Owen"};
constexpr SV kCaFemale[] = {"Emma", "Olivia", "Charlotte", "Chloé", "Léa", "Florence", "Alice",
                            "Maya", "Zoé", "Juliette", "Madison", "Ava", "Sophie", "Abigail",
                            "Camille", "Rosalie"};
constexpr SV kCaLast[] = {"Tremblay", "Gagnon", "Roy", "Côté", "Bouchard", "Gauthier", "Morin",
                          "Lavoie", "Fortin", "Gagné", "Ouellet", "Pelletier", "Bélanger",
                          "Lévesque", "Wilson", "Campbell", "Macdonald", "Martin", "Brown",
                          "Thompson"};
constexpr Place kCaPlaces[] = {{"Toronto", "Ontario"},          {"Ottawa", "Ontario"},
                               {"Montréal", "Québec"},          {"Québec", "Québec"},
                               {"Vancouver", "British Columbia"}, {"Victoria", "British Columbia"},
                               {"Calgary", "Alberta"},          {"Edmonton", "Alberta"},
                               {"Winnipeg", "Manitoba"},        {"Regina", "Saskatchewan"},
                               {"Halifax", "Nova Scotia"},      {"Moncton", "New Brunswick"},
                               {"St. John's", "Newfoundland and Labrador"},
                               {"Charlottetown", "Prince Edward Island"}};
constexpr SV kCaStreets[] = {"Lakeshore Rd", "Dufferin St", "Victoria Ave", "King St",
                             "Duke St", "Parliament St", "Maple Ave", "Regent Ave",
                             "Brock Rd", "Balmoral St", "Frederick Ave", "Concession Road 23",
                             "Pine Rd", "George St"};

// --- Australia
constexpr SV kAuMale[] = {"Jack", "Cooper", "Riley", "Lachlan", "Mitchell", "Jayden", "Bailey",
                          "Harrison", "Hamish", "Angus", "Darren", "Craig", "Brent", "Wayne",
                          "Shane", "Bruce"};
constexpr SV kAuFemale[] = {"Chloe", "Jessica", "Emily", "Mia", "Isabella", "Ruby", "Matilda",
                            "Zoe", "Sienna", "Kylie", "Tegan", "Bree", "Danielle", "Leah",
                            "Jasmine", "Shelly"};
constexpr SV kAuLast[] = {"Smith", "Jones", "Williams", "Brown", "Wilson", "Taylor", "Johnson",
                          "White", "Martin", "Anderson", "Thompson", "Nguyen", "Walker",
                          "Harris", "Lee", "Ryan", "Robinson", "Kelly", "King", "Davies"};
constexpr Place kAuPlaces[] = {{"Sydney", "New South Wales"}, {"Newcastle", "New South Wales"},
                               {"Wollongong", "New South Wales"}, {"Melbourne", "Victoria"},
                               {"Geelong", "Victoria"},       {"Brisbane", "Queensland"},
                               {"Cairns", "Queensland"},      {"Townsville", "Queensland"},
                               {"Perth", "Western Australia"}, {"Bunbury", "Western Australia"},
                               {"Adelaide", "South Australia"}, {"Hobart", "Tasmania"},
                               {"Darwin", "Northern Territory"},
                               {"Canberra", "Australian Capital Territory"}};
constexpr SV kAuStreets[] = {"Wattle Ave", "Bay Ave", "Lakeview St", "Elgin St",
                             "Photinia Ave", "Hamilton Ave", "Dalhousie Ln", "Rolling Green Rd",
                             "Ash Dr", "Fincher Rd", "Mcclellan Rd", "Smokey Ln", "Oak Ridge Ln",
                             "Samaritan Dr"};

// --- Germany
constexpr SV kDeMale[] = {"Lukas", "Jonas", "Leon", "Finn", "Felix", "Maximilian", "Paul",
                          "Jürgen", "Klaus", "Dieter", "Uwe", "Günter", "Stefan", "Thorsten",
                          "Sven", "Jörg", "Matthias", "Rüdiger"};
constexpr SV kDeFemale[] = {"Anna", "Lena", "Lea", "Hannah", "Sophie", "Marie", "Jana",
                            "Sabine", "Ursula", "Renate", "Brigitte", "Jutta", "Heike", "Silke",
                            "Käthe", "Gisela", "Annegret", "Dörte"};
constexpr SV kDeLast[] = {"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer",
                          "Wagner", "Becker", "Schulz", "Hoffmann", "Schäfer", "Koch",
                          "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann",
                          "Schwarz", "Zimmermann", "Krüger", "Hartmann"};
constexpr Place kDePlaces[] = {{"Hamburg", "Hamburg"},         {"Berlin", "Berlin"},
                               {"München", "Bayern"},          {"Nürnberg", "Bayern"},
                               {"Köln", "Nordrhein-Westfalen"}, {"Düsseldorf", "Nordrhein-Westfalen"},
                               {"Dortmund", "Nordrhein-Westfalen"}, {"Stuttgart", "Baden-Württemberg"},
                               {"Freiburg", "Baden-Württemberg"}, {"Leipzig", "Sachsen"},
                               {"Dresden", "Sachsen"},         {"Hannover", "Niedersachsen"},
                               {"Mainz", "Rheinland-Pfalz"},   {"Kiel", "Schleswig-Holstein"},
                               {"Erfurt", "Thüringen"},        {"Rostock", "Mecklenburg-Vorpommern"}};
constexpr SV kDeStreets[] = {"Hauptstraße", "Schulstraße", "Gartenstraße", "Bahnhofstraße",
                             "Dorfstraße", "Bergstraße", "Birkenweg", "Lindenstraße",
                             "Kirchstraße", "Waldstraße", "Ringstraße", "Schillerstraße",
                             "Goethestraße", "Mühlenweg"};

// --- France
constexpr SV kFrMale[] = {"Lucas", "Hugo", "Louis", "Gabriel", "Arthur", "Jules", "Théo",
                          "Mathéo", "Nathan", "Enzo", "Clément", "Maxime", "Quentin", "Baptiste",
                          "Loïc", "Jérôme"};
constexpr SV kFrFemale[] = {"Emma", "Jade", "Louise", "Alice", "Chloé", "Léa", "Manon", "Inès",
                            "Camille", "Océane", "Margaux", "Clémence", "Anaïs", "Élise",
                            "Justine", "Noémie"};
constexpr SV kFrLast[] = {"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard",
                          "Petit", "Durand", "Leroy", "Moreau", "Simon", "Laurent", "Lefebvre",
                          "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
                          "Girard", "Lemaire"};
constexpr Place kFrPlaces[] = {{"Paris", "Paris"},            {"Lyon", "Rhône"},
                               {"Marseille", "Bouches-du-Rhône"}, {"Toulouse", "Haute-Garonne"},
                               {"Nice", "Alpes-Maritimes"},   {"Nantes", "Loire-Atlantique"},
                               {"Strasbourg", "Bas-Rhin"},    {"Montpellier", "Hérault"},
                               {"Bordeaux", "Gironde"},       {"Lille", "Nord"},
                               {"Rennes", "Ille-et-Vilaine"}, {"Reims", "Marne"},
                               {"Dijon", "Côte-D'Or"},        {"Grenoble", "Isère"}};
constexpr SV kFrStreets[] = {"Rue de la Gare", "Rue Pasteur", "Rue Victor-Hugo",
                             "Avenue Jean-Jaurès", "Rue de l'Église", "Place du 8 Février 1962",
                             "Rue des Écoles", "Rue du Bât-D'Argent", "Rue Principale",
                             "Rue Bossuet", "Quai Chauveau", "Avenue de la Libération",
                             "Rue Duquesne", "Rue de L'Abbé-Migne"};

// --- Spain
constexpr SV kEsMale[] = {"Antonio", "José", "Manuel", "Francisco", "Javier", "Daniel", "Jesús",
                          "Alejandro", "Rafael", "Ramón", "Ángel", "Sergio", "Iván", "Óscar",
                          "Álvaro", "Víctor"};
constexpr SV kEsFemale[] = {"María", "Carmen", "Ana", "Isabel", "Laura", "Lucía", "Cristina",
                            "Marta", "Sara", "Paula", "Elena", "Raquel", "Inés", "Nuria",
                            "Concepción", "Mónica"};
constexpr SV kEsLast[] = {"García", "Rodríguez", "González", "Fernández", "López", "Martínez",
                          "Sánchez", "Pérez", "Gómez", "Martín", "Jiménez", "Ruiz",
                          "Hernández", "Díaz", "Moreno", "Muñoz", "Álvarez", "Romero",
                          "Alonso", "Gutiérrez"};
constexpr Place kEsPlaces[] = {{"Madrid", "Comunidad de Madrid"}, {"Barcelona", "Cataluña"},
                               {"Valencia", "Comunidad Valenciana"}, {"Sevilla", "Andalucía"},
                               {"Málaga", "Andalucía"},       {"Córdoba", "Andalucía"},
                               {"Zaragoza", "Aragón"},        {"Bilbao", "País Vasco"},
                               {"Vigo", "Galicia"},           {"Gijón", "Asturias"},
                               {"Murcia", "Región de Murcia"}, {"Valladolid", "Castilla y León"},
                               {"Palma de Mallorca", "Islas Baleares"},
                               {"Las Palmas de Gran Canaria", "Canarias"}};
constexpr SV kEsStreets[] = {"Calle Mayor", "Calle de Alcalá", "Avenida de Andalucía",
                             "Calle del Prado", "Paseo de Zorrilla", "Calle de Segovia",
                             "Calle de la Luna", "Avenida de Castilla", "Calle de Ferraz",
                             "Calle de Atocha", "Calle del Barquillo", "Calle de Bravo Murillo",
                             "Calle de Toledo", "Ronda de Valencia"};

// --- Netherlands
constexpr SV kNlMale[] = {"Daan", "Sem", "Lucas", "Levi", "Finn", "Bram", "Thijs", "Jesse",
                          "Ruben", "Sander", "Joost", "Pieter", "Wouter", "Gijs", "Maarten",
                          "Hendrik"};
constexpr SV kNlFemale[] = {"Emma", "Julia", "Tess", "Sophie", "Fenna", "Sanne", "Lotte",
                            "Anouk", "Femke", "Marieke", "Ilse", "Eline", "Noor", "Floor",
                            "Janneke", "Maud"};
constexpr SV kNlLast[] = {"de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk",
                          "Bakker", "Janssen", "Visser", "Smit", "Meijer", "de Boer", "Mulder",
                          "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen",
                          "Dekker", "Brouwer"};
constexpr Place kNlPlaces[] = {{"Amsterdam", "Noord-Holland"}, {"Haarlem", "Noord-Holland"},
                               {"Rotterdam", "Zuid-Holland"},  {"Den Haag", "Zuid-Holland"},
                               {"Leiden", "Zuid-Holland"},     {"Utrecht", "Utrecht"},
                               {"Eindhoven", "Noord-Brabant"}, {"Tilburg", "Noord-Brabant"},
                               {"Groningen", "Groningen"},     {"Zwolle", "Overijssel"},
                               {"Arnhem", "Gelderland"},       {"Maastricht", "Limburg"},
                               {"Leeuwarden", "Friesland"},    {"Middelburg", "Zeeland"}};
constexpr SV kNlStreets[] = {"Kerkstraat", "Schoolstraat", "Molenstraat", "Dorpsstraat",
                             "Stationsweg", "Julianastraat", "Beatrixstraat", "Wilhelminastraat",
                             "Nieuwstraat", "Kastanjelaan", "Eikenlaan", "Prinsengracht",
                             "Oranjestraat", "Veldweg"};

// --- Brazil
constexpr SV kBrMale[] = {"Miguel", "Arthur", "Heitor", "Bernardo", "Davi", "Théo", "Lorenzo",
                          "Gabriel", "Pedro", "Benjamin", "Matheus", "Lucas", "Thiago",
                          "João", "Caio", "Vinícius"};
constexpr SV kBrFemale[] = {"Helena", "Alice", "Laura", "Maria", "Valentina", "Heloísa",
                            "Luiza", "Júlia", "Lorena", "Lívia", "Beatriz", "Mariana",
                            "Letícia", "Larissa", "Débora", "Tainá"};
constexpr SV kBrLast[] = {"Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira",
                          "Alves", "Pereira", "Lima", "Gomes", "Costa", "Ribeiro", "Martins",
                          "Carvalho", "Almeida", "Lopes", "Barbosa", "Araújo", "Rocha",
                          "da Cunha"};
constexpr Place kBrPlaces[] = {{"São Paulo", "São Paulo"},     {"Campinas", "São Paulo"},
                               {"Rio de Janeiro", "Rio de Janeiro"}, {"Niterói", "Rio de Janeiro"},
                               {"Belo Horizonte", "Minas Gerais"}, {"Salvador", "Bahia"},
                               {"Fortaleza", "Ceará"},          {"Recife", "Pernambuco"},
                               {"Curitiba", "Paraná"},          {"Porto Alegre", "Rio Grande do Sul"},
                               {"Manaus", "Amazonas"},          {"Belém", "Pará"},
                               {"Goiânia", "Goiás"},            {"Florianópolis", "Santa Catarina"}};
constexpr SV kBrStreets[] = {"Rua São Sebastião", "Rua Sete de Setembro", "Rua Quinze de Novembro",
                             "Rua Tiradentes", "Rua Santa Luzia", "Rua Dom Pedro II",
                             "Avenida Brasil", "Rua Rui Barbosa", "Rua das Flores",
                             "Rua Bela Vista", "Rua Castro Alves", "Rua Principal",
                             "Travessa dos Açorianos", "Rua Duque de Caxias"};

// --- India
constexpr SV kInMale[] = {"Aarav", "Vihaan", "Aditya", "Arjun", "Sai", "Reyansh", "Krishna",
                          "Ishaan", "Rohan", "Rahul", "Vikram", "Sanjay", "Nikhil", "Pranav",
                          "Kunal", "Harsh"};
constexpr SV kInFemale[] = {"Aadhya", "Ananya", "Diya", "Saanvi", "Pari", "Anika", "Navya",
                            "Ishita", "Priya", "Pooja", "Kavya", "Shreya", "Meera", "Nisha",
                            "Riya", "Tanvi"};
constexpr SV kInLast[] = {"Sharma", "Verma", "Gupta", "Singh", "Kumar", "Patel", "Reddy",
                          "Nair", "Iyer", "Menon", "Rao", "Das", "Bose", "Chatterjee",
                          "Mehta", "Joshi", "Kulkarni", "Desai", "Pillai", "Saini"};
constexpr Place kInPlaces[] = {{"Mumbai", "Maharashtra"},  {"Pune", "Maharashtra"},
                               {"Nagpur", "Maharashtra"},  {"Delhi", "Delhi"},
                               {"Bengaluru", "Karnataka"}, {"Mysuru", "Karnataka"},
                               {"Chennai", "Tamil Nadu"},  {"Coimbatore", "Tamil Nadu"},
                               {"Hyderabad", "Telangana"}, {"Kolkata", "West Bengal"},
                               {"Ahmedabad", "Gujarat"},   {"Jaipur", "Rajasthan"},
                               {"Lucknow", "Uttar Pradesh"}, {"Kochi", "Kerala"}};
constexpr SV kInStreets[] = {"MG Road", "Station Road", "Nehru Road", "Gandhi Nagar",
                             "Park Street", "Brigade Road", "Linking Road", "Anna Salai",
                             "Residency Road", "Civil Lines", "Mall Road", "Church Street",
                             "Lal Bahadur Shastri Marg", "Ring Road"};

// --- New Zealand
constexpr SV kNzMale[] = {"Oliver", "Jack", "Noah", "Leo", "George", "Charlie", "Lucas",
                          "Hunter", "Mason", "Nikau", "Tama", "Wiremu", "Blake", "Corey",
                          "Hamish", "Finn"};
constexpr SV kNzFemale[] = {"Isla", "Charlotte", "Olivia", "Amelia", "Mila", "Harper",
                            "Aria", "Ruby", "Mia", "Anahera", "Aroha", "Kaia", "Stella",
                            "Maddison", "Paige", "Georgia"};
constexpr SV kNzLast[] = {"Smith", "Wilson", "Williams", "Brown", "Taylor", "Jones", "Walker",
                          "Thompson", "Anderson", "White", "Harris", "Martin", "Young",
                          "Campbell", "Clark", "Ngata", "Parata", "Tipene", "Ruatapu",
                          "Scott"};
constexpr Place kNzPlaces[] = {{"Auckland", "Auckland"},       {"Hamilton", "Waikato"},
                               {"Tauranga", "Bay of Plenty"},  {"Rotorua", "Bay of Plenty"},
                               {"Napier", "Hawke's Bay"},      {"Palmerston North", "Manawatu-Wanganui"},
                               {"Wellington", "Wellington"},   {"Nelson", "Nelson"},
                               {"Christchurch", "Canterbury"}, {"Dunedin", "Otago"},
                               {"Invercargill", "Southland"},  {"Whangarei", "Northland"},
                               {"Gisborne", "Gisborne"},       {"New Plymouth", "Taranaki"}};
constexpr SV kNzStreets[] = {"Queen Street", "Great North Road", "Dominion Road",
                             "Ponsonby Road", "Karangahape Road", "Colombo Street",
                             "Riccarton Road", "Cuba Street", "Lambton Quay", "Victoria Street",
                             "Tay Street", "Devon Street", "Bank Street", "Kent Terrace"};

// --- Norway
constexpr SV kNoMale[] = {"Jakob", "Emil", "Noah", "Oliver", "Filip", "William", "Lucas",
                          "Henrik", "Magnus", "Sindre", "Håkon", "Øyvind", "Bjørn", "Sigurd",
                          "Espen", "Ørjan"};
constexpr SV kNoFemale[] = {"Nora", "Emma", "Ella", "Maja", "Olivia", "Sofie", "Ingrid",
                            "Sigrid", "Åse", "Solveig", "Kari", "Ragnhild", "Tuva", "Synnøve",
                            "Marte", "Hedda"};
constexpr SV kNoLast[] = {"Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen",
                          "Nilsen", "Kristiansen", "Jensen", "Karlsen", "Johnsen", "Pettersen",
                          "Eriksen", "Berg", "Haugen", "Hagen", "Johannessen", "Andreassen",
                          "Jacobsen", "Dahl", "Jørgensen", "Lie"};
constexpr Place kNoPlaces[] = {{"Oslo", "Oslo"},            {"Bergen", "Vestland"},
                               {"Stavanger", "Rogaland"},   {"Sandnes", "Rogaland"},
                               {"Trondheim", "Trøndelag"},  {"Drammen", "Viken"},
                               {"Fredrikstad", "Viken"},    {"Kristiansand", "Agder"},
                               {"Tromsø", "Troms og Finnmark"}, {"Ålesund", "Møre og Romsdal"},
                               {"Bodø", "Nordland"},        {"Lillehammer", "Innlandet"},
                               {"Tønsberg", "Vestfold og Telemark"}, {"Haugesund", "Rogaland"}};
constexpr SV kNoStreets[] = {"Kirkeveien", "Storgata", "Skolegata", "Parkveien",
                             "Åsveien", "Bjørnstjerne Bjørnsons gate", "Dronningens gate",
                             "Kongens gate", "Fjellveien", "Sjøgata", "Strandveien",
                             "Bakkeveien", "Granveien", "Ringveien"};

constexpr Nationality kNationalities[] = {
    {"AU", "Australia", kAuMale, kAuFemale, kAuLast, kAuPlaces, kAuStreets, 200, 9999, "",
     "##-####-####", "04##-###-###", "TFN", "#########"},
    {"BR", "Brazil", kBrMale, kBrFemale, kBrLast, kBrPlaces, kBrStreets, 10000, 99999, "",
     "(##) ####-####", "(##) #####-####", "CPF", "###.###.###-##"},
    {"CA", "Canada", kCaMale, kCaFemale, kCaLast, kCaPlaces, kCaStreets, 0, 0, "A#A #A#",
     "A##-A##-####", "A##-A##-####", "SIN", "#########"},
    {"DE", "Germany", kDeMale, kDeFemale, kDeLast, kDePlaces, kDeStreets, 10000, 99999, "",
     "0###-#######", "01##-#######", "SVNR", "## ###### A ###"},
    {"ES", "Spain", kEsMale, kEsFemale, kEsLast, kEsPlaces, kEsStreets, 10000, 52999, "",
     "9##-###-###", "6##-###-###", "DNI", "########-A"},
    {"FR", "France", kFrMale, kFrFemale, kFrLast, kFrPlaces, kFrStreets, 10000, 95999, "",
     "0#-##-##-##-##", "06-##-##-##-##", "INSEE", "1##########  ##"},
    {"GB", "United Kingdom", kGbMale, kGbFemale, kGbLast, kGbPlaces, kGbStreets, 0, 0,
     "AA## #AA", "0##### #####", "07### ######", "NINO", "AA ## ## ## A"},
    {"IN", "India", kInMale, kInFemale, kInLast, kInPlaces, kInStreets, 110000, 855999, "",
     "9#########", "8#########", "UIDAI", "############"},
    {"NL", "Netherlands", kNlMale, kNlFemale, kNlLast, kNlPlaces, kNlStreets, 0, 0, "#### AA",
     "(0###) ######", "(06) ########", "BSN", "########"},
    {"NO", "Norway", kNoMale, kNoFemale, kNoLast, kNoPlaces, kNoStreets, 0, 0, "####",
     "########", "4#######", "FN", "###########"},
    {"NZ", "New Zealand", kNzMale, kNzFemale, kNzLast, kNzPlaces, kNzStreets, 1000, 9999, "",
     "(###)-###-####", "(###)-###-####", "", ""},
    {"US", "United States", kUsMale, kUsFemale, kUsLast, kUsPlaces, kUsStreets, 10000, 99999, "",
     "(###) ###-####", "(###) ###-####", "SSN", "###-##-####"},
};

constexpr TimeZone kTimeZones[] = {
    {"-12:00", "Eniwetok, Kwajalein"},
    {"-11:00", "Midway Island, Samoa"},
    {"-10:00", "Hawaii"},
    {"-9:00", "Alaska"},
    {"-8:00", "Pacific Time (US & Canada)"},
    {"-7:00", "Mountain Time (US & Canada)"},
    {"-6:00", "Central Time (US & Canada), Mexico City"},
    {"-5:00", "Eastern Time (US & Canada), Bogota, Lima"},
    {"-4:00", "Atlantic Time (Canada), Caracas, La Paz"},
    {"-3:30", "Newfoundland"},
    {"-3:00", "Brazil, Buenos Aires, Georgetown"},
    {"-2:00", "Mid-Atlantic"},
    {"-1:00", "Azores, Cape Verde Islands"},
    {"0:00", "Western Europe Time, London, Lisbon, Casablanca"},
    {"+1:00", "Brussels, Copenhagen, Madrid, Paris"},
    {"+2:00", "Kaliningrad, South Africa"},
    {"+3:00", "Baghdad, Riyadh, Moscow, St. Petersburg"},
    {"+3:30", "Tehran"},
    {"+4:00", "Abu Dhabi, Muscat, Baku, Tbilisi"},
    {"+4:30", "Kabul"},
    {"+5:00", "Ekaterinburg, Islamabad, Karachi, Tashkent"},
    {"+5:30", "Bombay, Calcutta, Madras, New Delhi"},
    {"+5:45", "Kathmandu"},
    {"+6:00", "Almaty, Dhaka, Colombo"},
    {"+7:00", "Bangkok, Hanoi, Jakarta"},
    {"+8:00", "Beijing, Perth, Singapore, Hong Kong"},
    {"+9:00", "Tokyo, Seoul, Osaka, Sapporo, Yakutsk"},
    {"+9:30", "Adelaide, Darwin"},
    {"+10:00", "Eastern Australia, Guam, Vladivostok"},
    {"+11:00", "Magadan, Solomon Islands, New Caledonia"},
    {"+12:00", "Auckland, Wellington, Fiji, Kamchatka"},
};

constexpr SV kPasswords[] = {
    "addison", "dragon",  "cookie",   "soccer",  "sunshine", "monkey",   "freedom", "hello",
    "letmein", "princess", "qwerty",  "shadow",  "master",   "michael",  "jennifer", "hunter",
    "buster",  "tigger",  "charlie",  "pepper",  "ginger",   "summer",   "winter",  "lucky",
    "matrix",  "iloveyou", "trustno1", "chelsea", "scooter", "yankees",  "batman",  "harley",
    "maverick", "rangers", "falcon",  "cheese",  "coffee",   "phoenix",  "nirvana", "bigdaddy",
    "555555",  "123456",  "password1", "zxcvbn", "pass1234", "snoopy",  "jordan23", "rocket"};

constexpr SV kAdjectives[] = {"happy", "sad", "angry", "silver", "golden", "brown", "black",
                              "white", "red", "blue", "green", "yellow", "purple", "orange",
                              "heavy", "lazy", "crazy", "tiny", "big", "beautiful", "ticklish",
                              "organic", "smart", "lucky"};
constexpr SV kNouns[] = {"tiger", "lion", "bear", "wolf", "fox", "rabbit", "koala", "panda",
                         "duck", "goose", "swan", "frog", "fish", "bird", "cat", "dog",
                         "butterfly", "leopard", "peacock", "gorilla", "elephant", "snake",
                         "ladybug", "zebra", "meercat", "ostrich", "mouse", "dog", "kangaroo",
                         "swan"};

}  // namespace

std::span<const Nationality> Nationalities() { return kNationalities; }
std::span<const TimeZone> TimeZones() { return kTimeZones; }
std::span<const std::string_view> Passwords() { return kPasswords; }
std::span<const std::string_view> UsernameAdjectives() { return kAdjectives; }
std::span<const std::string_view> UsernameNouns() { return kNouns; }

}  // namespace kappa::connect
