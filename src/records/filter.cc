// Filters over catalog attributes: a small expression language (doc/records.md, "Filters").
#include <algorithm>
#include <cctype>
#include <functional>
#include <set>

#include "catalog/names.h"
#include "common/strings.h"
#include "encore/records.h"
#include "records/compare.h"

namespace encore {

struct Filter::Node {
  enum class Op { kAnd, kOr, kNot, kPred, kTrue } op = Op::kTrue;
  std::vector<std::shared_ptr<const Node>> kids;
  std::string attr, cmp, value;  // a predicate: attr [cmp value]
};

namespace {

using Node = Filter::Node;
using NodePtr = std::shared_ptr<const Node>;

// Attributes that take a value, and those that stand alone.
const std::set<std::string>& ValueAttributes() {
  static const std::set<std::string> k = {"kind",   "country",      "continent", "tag",  "member",
                                          "artist", "primary",      "featured",  "type", "released",
                                          "name",   "release_year", "id"};
  return k;
}
const std::set<std::string>& BareAttributes() {
  static const std::set<std::string> k = {"solo",    "person",  "group",   "persona",
                                          "project", "primary", "featured"};
  return k;
}

struct Token {
  std::string text;
  size_t at = 0;
  bool quoted = false;
};

Result<std::vector<Token>> Lex(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    Token t;
    t.at = i;
    if (c == '(' || c == ')' || c == ',') {
      t.text = std::string(1, c);
      ++i;
    } else if (c == '=' || c == '!' || c == '<' || c == '>') {
      t.text = std::string(1, c);
      ++i;
      if (i < s.size() && s[i] == '=') t.text += s[i++];
      if (t.text == "!") {
        return Status::InvalidArgument("filter: '!' must be '!=' at offset " +
                                       std::to_string(t.at));
      }
    } else if (c == '"' || c == '\'') {
      const size_t end = s.find(c, i + 1);
      if (end == std::string_view::npos) {
        return Status::InvalidArgument("filter: unclosed quote at offset " + std::to_string(i));
      }
      t.text = std::string(s.substr(i + 1, end - i - 1));
      t.quoted = true;
      i = end + 1;
    } else {
      while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i])) &&
             std::string_view("()=!<>,\"'").find(s[i]) == std::string_view::npos) {
        t.text += s[i++];
      }
    }
    out.push_back(std::move(t));
  }
  return out;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

class Parser {
 public:
  Parser(std::vector<Token> tokens, size_t length) : t_(std::move(tokens)), length_(length) {}

  Result<NodePtr> Expression() {
    ENCORE_ASSIGN_OR_RETURN(NodePtr left, And());
    std::vector<NodePtr> kids{left};
    while (Peek("or")) {
      ++i_;
      ENCORE_ASSIGN_OR_RETURN(NodePtr right, And());
      kids.push_back(right);
    }
    return Join(Node::Op::kOr, std::move(kids));
  }
  bool AtEnd() const { return i_ >= t_.size(); }
  size_t Offset() const { return i_ < t_.size() ? t_[i_].at : length_; }
  std::string Here() const { return i_ < t_.size() ? "'" + t_[i_].text + "'" : "the end"; }

 private:
  bool Peek(const char* word) const {
    return i_ < t_.size() && !t_[i_].quoted && Lower(t_[i_].text) == word;
  }
  static NodePtr Join(Node::Op op, std::vector<NodePtr> kids) {
    if (kids.size() == 1) return kids[0];
    auto n = std::make_shared<Node>();
    n->op = op;
    n->kids = std::move(kids);
    return n;
  }
  Status Error(const std::string& what, const std::string& hint = "") const {
    return Status::InvalidArgument("filter: " + what + " at offset " + std::to_string(Offset()) +
                                   " (" + Here() + ")" + (hint.empty() ? "" : "; " + hint));
  }
  Result<NodePtr> And() {
    ENCORE_ASSIGN_OR_RETURN(NodePtr left, Unary());
    std::vector<NodePtr> kids{left};
    while (Peek("and")) {
      ++i_;
      ENCORE_ASSIGN_OR_RETURN(NodePtr right, Unary());
      kids.push_back(right);
    }
    return Join(Node::Op::kAnd, std::move(kids));
  }
  Result<NodePtr> Unary() {
    if (AtEnd()) return Error("expected a condition");
    // Nesting is bounded: a filter is typed by people, and recursion must not run out of stack.
    if (++depth_ > kMaxDepth) return Error("nested too deeply");
    struct Leave {
      int* d;
      ~Leave() { --*d; }
    } leave{&depth_};
    if (Peek("not")) {
      ++i_;
      ENCORE_ASSIGN_OR_RETURN(NodePtr kid, Unary());
      auto n = std::make_shared<Node>();
      n->op = Node::Op::kNot;
      n->kids = {kid};
      return NodePtr(n);
    }
    if (!t_[i_].quoted && t_[i_].text == "(") {
      ++i_;
      ENCORE_ASSIGN_OR_RETURN(NodePtr inner, Expression());
      if (AtEnd() || t_[i_].text != ")") return Error("expected ')'");
      ++i_;
      return inner;
    }
    return Predicate();
  }
  Result<NodePtr> Predicate() {
    auto n = std::make_shared<Node>();
    n->op = Node::Op::kPred;
    n->attr = Lower(t_[i_].text);
    const bool period = n->attr == "year" || n->attr == "from" || n->attr == "to";
    const bool takes_value = ValueAttributes().count(n->attr) || period;
    const bool bare = BareAttributes().count(n->attr);
    if (t_[i_].quoted || (!takes_value && !bare)) {
      return Error("unknown attribute",
                   "known: solo, person, group, persona, kind, country, continent, tag, member, "
                   "artist, primary, featured, type, released, release_year, name, id, year, "
                   "from, to");
    }
    ++i_;
    static const std::set<std::string> kCmp = {"=", "!=", "<", "<=", ">", ">="};
    if (!AtEnd() && !t_[i_].quoted && kCmp.count(t_[i_].text)) {
      if (!takes_value) return Error("'" + n->attr + "' takes no value");
      n->cmp = t_[i_++].text;
      if (AtEnd() || (!t_[i_].quoted && (t_[i_].text == "(" || t_[i_].text == ")"))) {
        return Error("expected a value");
      }
      n->value = t_[i_++].text;
    } else if (!bare) {
      return Error("'" + n->attr + "' needs a comparison (" + n->attr + " = …)");
    }
    return NodePtr(n);
  }

  static constexpr int kMaxDepth = 64;
  std::vector<Token> t_;
  size_t length_;
  size_t i_ = 0;
  int depth_ = 0;
};

// The artists an entity's attributes come from: itself, or a track's or release's primary ones.
std::vector<const Artist*> SubjectArtists(const Catalog& c, const Entity& e) {
  std::vector<const Artist*> out;
  auto add = [&](const std::vector<std::string>& ids) {
    for (const auto& id : ids) {
      if (const Artist* a = c.ArtistById(id)) out.push_back(a);
    }
  };
  if (e.artist) {
    out.push_back(e.artist);
  } else if (e.track) {
    add(e.track->primary);
  } else if (e.release) {
    add(e.release->artists);
  }
  return out;
}

bool NameIs(const Artist& a, const std::string& v) {
  const std::string key = NormalizeName(v);
  if (a.id == v || NormalizeName(a.name) == key) return true;
  return std::any_of(a.aliases.begin(), a.aliases.end(),
                     [&](const std::string& al) { return NormalizeName(al) == key; });
}

bool IsMember(const Catalog& c, const Artist& a, const std::string& group) {
  const Artist* person = c.Person(a);
  if (!person) return false;  // a group is no member (write `member = x or artist = x`)
  for (const Artist* g : c.GroupsOf(*person, std::nullopt)) {
    if (NameIs(*g, group)) return true;
  }
  return false;
}

bool Solo(const Catalog& c, const Entity& e, const std::vector<const Artist*>& subjects) {
  if (e.track) return c.IsSolo(*e.track);
  if (subjects.empty()) return false;
  return std::all_of(subjects.begin(), subjects.end(),
                     [](const Artist* a) { return a->kind != ArtistKind::kGroup; });
}

// A country as a filter names it: an ISO code (KR) or a name (South Korea, Korea); nullopt
// when it is neither.
std::optional<std::string> CountryValue(const std::string& value) {
  if (auto code = CountryOfText(value)) return Lower(CountryName(*code));
  return std::nullopt;
}

// The values an attribute takes from a fixed list are checked when the filter is read: an
// unknown one would match nothing and say nothing (issue 18). Names and tags are the catalog's
// and free.
Status CheckValue(const Node& n) {
  const bool listed = n.attr == "country" || n.attr == "continent" || n.attr == "type" ||
                      n.attr == "kind" || n.attr == "tag" || n.attr == "member";
  if (listed && n.cmp != "=" && n.cmp != "!=") {
    return Status::InvalidArgument("filter: " + n.attr + " takes = or !=, not " + n.cmp);
  }
  auto unknown = [&](const std::vector<std::string>& known, const std::string& what) {
    std::string list;
    for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
    return Status::InvalidArgument("filter: " + n.attr + " = " + n.value + ": " + what +
                                   DidYouMean(n.value, known) +
                                   (list.empty() ? "" : "; one of " + list));
  };
  if (n.attr == "country" && !CountryValue(n.value)) {
    return unknown({}, "not a country (an ISO code such as KR, or a name such as South Korea)");
  }
  if (n.attr == "continent") {
    const std::vector<std::string> known = {"Africa", "Asia", "Europe", "North America", "Oceania",
                                            "South America"};
    if (std::none_of(known.begin(), known.end(),
                     [&](const std::string& k) { return NormalizeName(k) == NormalizeName(n.value); })) {
      return unknown(known, "not a continent");
    }
  }
  if (n.attr == "type") {
    const std::vector<std::string> known = {"album", "ep", "single"};
    if (std::find(known.begin(), known.end(), Lower(n.value)) == known.end()) {
      return unknown(known, "not a release type");
    }
  }
  if (n.attr == "kind") {
    const std::vector<std::string> known = {"group", "person", "persona", "project", "solo"};
    if (std::find(known.begin(), known.end(), Lower(n.value)) == known.end()) {
      return unknown(known, "not a kind of artist");
    }
  }
  return Status::Ok();
}

bool Eval(const Node& n, const RecordsUniverse& u, const Entity& e) {
  switch (n.op) {
    case Node::Op::kTrue:
      return true;
    case Node::Op::kAnd:
      return std::all_of(n.kids.begin(), n.kids.end(),
                         [&](const NodePtr& k) { return Eval(*k, u, e); });
    case Node::Op::kOr:
      return std::any_of(n.kids.begin(), n.kids.end(),
                         [&](const NodePtr& k) { return Eval(*k, u, e); });
    case Node::Op::kNot:
      return !Eval(*n.kids[0], u, e);
    case Node::Op::kPred:
      break;
  }
  if (n.attr == "year" || n.attr == "from" || n.attr == "to") return true;  // the period
  const Catalog* c = u.catalog();
  const bool neg = n.cmp == "!=";
  auto result = [&](bool matched) { return neg ? !matched : matched; };
  if (n.attr == "id") return result(e.id == n.value);
  if (!c || (!e.track && !e.release && !e.artist)) return neg;
  const std::vector<const Artist*> subjects = SubjectArtists(*c, e);
  auto any_subject = [&](auto pred) {
    return std::any_of(subjects.begin(), subjects.end(), [&](const Artist* a) { return pred(*a); });
  };
  const std::string v = Lower(n.value);
  if (n.attr == "solo") return Solo(*c, e, subjects);
  if (n.attr == "group" || (n.attr == "kind" && v == "group")) {
    return result(!subjects.empty() && !Solo(*c, e, subjects));
  }
  if (n.attr == "person" || (n.attr == "kind" && v == "person")) {
    return result(!subjects.empty() &&
                  std::all_of(subjects.begin(), subjects.end(),
                              [](const Artist* a) { return a->kind == ArtistKind::kPerson; }));
  }
  if (n.attr == "persona" || n.attr == "project" ||
      (n.attr == "kind" && (v == "persona" || v == "project"))) {
    return result(any_subject([](const Artist& a) { return a.kind == ArtistKind::kProject; }));
  }
  if (n.attr == "kind" && v == "solo") return result(Solo(*c, e, subjects));
  if (n.attr == "kind") return neg;
  if (n.attr == "country") {
    const std::string code = CountryValue(n.value).value_or(v);
    return result(any_subject([&](const Artist& a) { return Lower(a.country) == code; }));
  }
  if (n.attr == "continent") {
    return result(any_subject([&](const Artist& a) {
      return NormalizeName(ContinentOf(a.country)) == NormalizeName(n.value);
    }));
  }
  if (n.attr == "tag") {
    return result(any_subject([&](const Artist& a) {
      return std::any_of(a.tags.begin(), a.tags.end(), [&](const std::string& t) {
        return NormalizeName(t) == NormalizeName(n.value);
      });
    }));
  }
  if (n.attr == "member") {
    return result(any_subject([&](const Artist& a) { return IsMember(*c, a, n.value); }));
  }
  if (n.attr == "name") {
    if (e.artist) return result(NameIs(*e.artist, n.value));
    return result(NormalizeName(e.name).find(NormalizeName(n.value)) != std::string::npos);
  }
  // Credits: of a track (its primary and featured artists) or a release.
  auto credited = [&](const std::vector<std::string>& ids) {
    return std::any_of(ids.begin(), ids.end(), [&](const std::string& id) {
      const Artist* a = c->ArtistById(id);
      return a && (NameIs(*a, n.value) || IsMember(*c, *a, n.value));
    });
  };
  if (n.attr == "primary" || n.attr == "featured" || n.attr == "artist") {
    if (n.cmp.empty()) {  // bare: the track has such credits
      if (!e.track) return false;
      return n.attr == "primary" ? !e.track->primary.empty() : !e.track->featured.empty();
    }
    bool m = false;
    if (e.track) {
      if (n.attr != "featured") m = m || credited(e.track->primary);
      if (n.attr != "primary") m = m || credited(e.track->featured);
    } else if (e.release) {
      m = n.attr != "featured" && credited(e.release->artists);
    } else if (e.artist) {
      m = NameIs(*e.artist, n.value);
    }
    return result(m);
  }
  const Release* r = e.release;
  if (!r && e.track) r = c->ReleaseById(e.track->release_id);
  if (n.attr == "type") return result(r && ReleaseTypeName(r->type) == v);
  if (n.attr == "released" || n.attr == "release_year") {
    if (!e.released) return false;
    if (n.attr == "released") {
      const auto d = ParseDate(n.value);
      return d && CompareBy<int64_t>(n.cmp, *e.released, *d);
    }
    int y = 0;
    unsigned m = 0, dd = 0;
    CivilFromDay(*e.released, &y, &m, &dd);
    const auto want = ParseInt64(n.value);
    return want && CompareBy<int64_t>(n.cmp, y, *want);
  }
  return false;
}

}  // namespace

Filter::Filter() : root_(std::make_shared<Node>()) {}

Status Filter::RefusePeriod(std::string_view where, std::string_view instead) const {
  if (!year && !from && !to) return Status::Ok();
  const std::string said = year ? "year = " + std::to_string(*year)
                           : from ? "from = " + FormatDate(*from)
                                  : "to = " + FormatDate(*to);
  return Status::InvalidArgument("filter: '" + said + "' sets the period of records most; " +
                                 std::string(where) + " counts none (" + std::string(instead) +
                                 ")");
}

Result<Filter> Filter::Parse(std::string_view text) {
  Filter f;
  f.text_ = std::string(Trim(text));
  if (f.text_.empty()) return f;
  ENCORE_ASSIGN_OR_RETURN(std::vector<Token> tokens, Lex(text));
  Parser p(std::move(tokens), text.size());
  ENCORE_ASSIGN_OR_RETURN(NodePtr root, p.Expression());
  if (!p.AtEnd()) {
    return Status::InvalidArgument("filter: unexpected " + p.Here() + " at offset " +
                                   std::to_string(p.Offset()));
  }
  // The period: `year`, `from` and `to` among the top-level conjuncts; nowhere else.
  std::vector<NodePtr> top = root->op == Node::Op::kAnd ? root->kids : std::vector<NodePtr>{root};
  std::function<Status(const NodePtr&, bool)> check = [&](const NodePtr& n, bool at_top) -> Status {
    if (n->op == Node::Op::kPred && (n->attr == "year" || n->attr == "from" || n->attr == "to")) {
      if (!at_top) {
        return Status::InvalidArgument("filter: '" + n->attr +
                                       "' sets the period and can only be joined with 'and'");
      }
      if (n->cmp != "=") {
        return Status::InvalidArgument("filter: write the period as '" + n->attr + " = …'");
      }
      if (n->attr == "year") {
        const int64_t y = ParseInt64(n->value).value_or(0);
        if (y < 1970 || y > 2149) {
          return Status::InvalidArgument("filter: year must be a year, not '" + n->value + "'");
        }
        f.year = static_cast<int>(y);
        f.from = DayFromCivil(f.year.value(), 1, 1);
        f.to = DayFromCivil(f.year.value(), 12, 31);
      } else {
        const auto d = ParseDate(n->value);
        if (!d) {
          return Status::InvalidArgument("filter: " + n->attr + " must be a date (YYYY-MM-DD)");
        }
        (n->attr == "from" ? f.from : f.to) = *d;
      }
      return Status::Ok();
    }
    for (const auto& k : n->kids) ENCORE_RETURN_IF_ERROR(check(k, false));
    if (n->op == Node::Op::kPred && n->attr == "released" && !ParseDate(n->value)) {
      return Status::InvalidArgument("filter: released must be compared with a date (YYYY-MM-DD)");
    }
    if (n->op == Node::Op::kPred && !n->cmp.empty()) ENCORE_RETURN_IF_ERROR(CheckValue(*n));
    return Status::Ok();
  };
  for (const auto& n : top) ENCORE_RETURN_IF_ERROR(check(n, true));
  f.root_ = root;
  return f;
}

bool Filter::Matches(const RecordsUniverse& u, uint32_t entity) const {
  if (root_->op == Node::Op::kTrue) return true;
  return Eval(*root_, u, u.Describe(entity));
}

}  // namespace encore
