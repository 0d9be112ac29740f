// A stored sample of randomuser.me v1.4 output (https://randomuser.me/api/?results=3&nat=us,gb,nz),
// written from the API's documented format: the reference the generator's shape is checked
// against (field set, field order, JSON types; postcode a number for US/NZ and a string for
// GB; NZ has no national id so id.value is null). Test-only.
#pragma once

#include <string_view>

namespace kappa::connect::testdata {

inline constexpr std::string_view kRealRandomUserPage = R"json({"results":[
{"gender":"female","name":{"title":"Miss","first":"Jennie","last":"Nichols"},
 "location":{"street":{"number":8929,"name":"Valwood Pkwy"},"city":"Billings","state":"Michigan",
  "country":"United States","postcode":63104,
  "coordinates":{"latitude":"-69.8246","longitude":"134.8719"},
  "timezone":{"offset":"+9:30","description":"Adelaide, Darwin"}},
 "email":"jennie.nichols@example.com",
 "login":{"uuid":"7a0eed16-9430-4d68-901f-c0d4c1c3bf00","username":"yellowpeacock117",
  "password":"addison","salt":"sld1yGtd","md5":"ab54ac4c0be9480ae8fa5e9e2a5196a3",
  "sha1":"edcf2ce613cbdea349133c52dc2f3b83168dc51b",
  "sha256":"48df5229235ada28389b91e60a935e4f9b73eb4bdb855ef9258a1751f10bdc5d"},
 "dob":{"date":"1992-03-08T15:13:16.688Z","age":30},
 "registered":{"date":"2007-07-09T05:51:59.390Z","age":14},
 "phone":"(272) 790-0888","cell":"(489) 330-2385","id":{"name":"SSN","value":"405-88-3636"},
 "picture":{"large":"https://randomuser.me/api/portraits/men/75.jpg",
  "medium":"https://randomuser.me/api/portraits/med/men/75.jpg",
  "thumbnail":"https://randomuser.me/api/portraits/thumb/men/75.jpg"},"nat":"US"},
{"gender":"male","name":{"title":"Mr","first":"Callum","last":"Hughes"},
 "location":{"street":{"number":5720,"name":"Church Road"},"city":"Truro","state":"Cornwall",
  "country":"United Kingdom","postcode":"VT0 7WF",
  "coordinates":{"latitude":"33.1467","longitude":"-37.8270"},
  "timezone":{"offset":"0:00","description":"Western Europe Time, London, Lisbon, Casablanca"}},
 "email":"callum.hughes@example.com",
 "login":{"uuid":"4fd8d5a4-1ad4-4ac9-9d83-2a0c2a1ad86e","username":"bigwolf528",
  "password":"winter","salt":"Qn5ZLvRz","md5":"1d8b0c2f1e4c5b8a9f7e6d5c4b3a2910",
  "sha1":"6b1f2c3d4e5f60718293a4b5c6d7e8f901234567",
  "sha256":"0e1d2c3b4a5968778695a4b3c2d1e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091"},
 "dob":{"date":"1961-11-23T04:41:09.902Z","age":61},
 "registered":{"date":"2016-04-01T19:25:44.108Z","age":6},
 "phone":"016973 12222","cell":"07982 216443","id":{"name":"NINO","value":"NH 09 81 27 R"},
 "picture":{"large":"https://randomuser.me/api/portraits/men/12.jpg",
  "medium":"https://randomuser.me/api/portraits/med/men/12.jpg",
  "thumbnail":"https://randomuser.me/api/portraits/thumb/men/12.jpg"},"nat":"GB"},
{"gender":"female","name":{"title":"Ms","first":"Aroha","last":"Ngata"},
 "location":{"street":{"number":1873,"name":"Cuba Street"},"city":"Nelson","state":"Nelson",
  "country":"New Zealand","postcode":82412,
  "coordinates":{"latitude":"-4.2215","longitude":"171.9935"},
  "timezone":{"offset":"+12:00","description":"Auckland, Wellington, Fiji, Kamchatka"}},
 "email":"aroha.ngata@example.com",
 "login":{"uuid":"b3c57b9c-5a04-47f9-8d63-7f0cd7a3c3b1","username":"heavybird903",
  "password":"lucky","salt":"0a3XbQ9r","md5":"5f4dcc3b5aa765d61d8327deb882cf99",
  "sha1":"5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8",
  "sha256":"5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"},
 "dob":{"date":"1984-06-17T10:02:51.318Z","age":38},
 "registered":{"date":"2012-09-30T07:13:26.645Z","age":10},
 "phone":"(719)-355-4127","cell":"(211)-847-0935","id":{"name":"","value":null},
 "picture":{"large":"https://randomuser.me/api/portraits/women/64.jpg",
  "medium":"https://randomuser.me/api/portraits/med/women/64.jpg",
  "thumbnail":"https://randomuser.me/api/portraits/thumb/women/64.jpg"},"nat":"NZ"}
],"info":{"seed":"56d27f4a53bd5441","results":3,"page":1,"version":"1.4"}})json";

}  // namespace kappa::connect::testdata
