// The scoring rules of /work/shared/gold/README.md, on hand-made gold and predictions.
#include "newsflow/eval/score.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace newsflow::eval {
namespace {

struct DateCase {
  std::string gold, predicted;
  bool agrees;
};

class DateAgreementTest : public ::testing::TestWithParam<DateCase> {};

TEST_P(DateAgreementTest, FollowsTheGoldForm) {
  EXPECT_EQ(DateAgrees(GetParam().gold, GetParam().predicted), GetParam().agrees)
      << GetParam().gold << " vs " << GetParam().predicted;
}

INSTANTIATE_TEST_SUITE_P(Forms, DateAgreementTest,
                         ::testing::Values(DateCase{"2025-11-01", "2025-11-01", true},
                                           DateCase{"2025-11-01", "2025-11-02", false},
                                           DateCase{"2025-11-01", "2025-11", false},
                                           DateCase{"--12-20", "2025-12-20", true},
                                           DateCase{"--12-20", "2026-12-20", true},
                                           DateCase{"--12-20", "2025-12-21", false},
                                           DateCase{"--12-20", "2025-12", false},
                                           DateCase{"2025-09", "2025-09", true},
                                           DateCase{"2025-09", "2025-09-28", true},
                                           DateCase{"2025-09", "2025-10-01", false},
                                           DateCase{"2025-09", "", false}));

GoldEvent Meeting() {
  GoldEvent g;
  g.id = "X.E1";
  g.codes = {"04"};
  g.actors = {"Turkey", "Hamas"};
  g.location = "Istanbul";
  g.date = "--11-01";
  return g;
}

PredictedEvent Predicted(std::string code, std::vector<PredictedActor> actors, std::string loc, std::string date) {
  PredictedEvent p;
  p.id = "p";
  p.cameo_code = std::move(code);
  p.actors = std::move(actors);
  p.location = std::move(loc);
  p.date_iso = std::move(date);
  return p;
}

TEST(EventMatchTest, PersonSatisfiesHisCountryThroughAffiliation) {
  const auto p = Predicted("040", {{"Hakan Fidan", {"Turkey"}}, {"hamas", {}}}, "Istanbul", "2025-11-01");
  EXPECT_TRUE(Matches(Meeting(), p));
}

TEST(EventMatchTest, EveryGoldActorMustBeSatisfied) {
  const auto p = Predicted("040", {{"Hakan Fidan", {"Turkey"}}}, "Istanbul", "2025-11-01");
  EXPECT_FALSE(Matches(Meeting(), p));
}

TEST(EventMatchTest, CodeRootLocationAndDateAllCount) {
  const std::vector<PredictedActor> actors{{"Turkey", {}}, {"Hamas", {}}};
  EXPECT_TRUE(Matches(Meeting(), Predicted("0431", actors, "Istanbul", "2025-11-01")));
  EXPECT_FALSE(Matches(Meeting(), Predicted("057", actors, "Istanbul", "2025-11-01")));
  EXPECT_FALSE(Matches(Meeting(), Predicted("040", actors, "Ankara", "2025-11-01")));
  EXPECT_FALSE(Matches(Meeting(), Predicted("040", actors, "Istanbul", "2025-11-02")));
  EXPECT_TRUE(MatchesIgnoringDate(Meeting(), Predicted("040", actors, "Istanbul", "2025-11-02")));
}

TEST(EventScoreTest, PrecisionCountsOptionalMatchesRecallOnlyRequired) {
  GoldEvent req = Meeting();
  GoldEvent opt;
  opt.id = "X.E2";
  opt.codes = {"01"};
  opt.actors = {"Turkey"};
  opt.required = false;
  const std::vector<PredictedEvent> preds{
      Predicted("040", {{"Turkey", {}}, {"Hamas", {}}}, "Istanbul", "2025-11-01"),
      Predicted("010", {{"Turkey", {}}}, "", ""),
      Predicted("190", {{"Israel", {}}}, "", "")};
  const EventScore s = ScoreEvents({&req, &opt}, preds);
  EXPECT_EQ(s.prf.predicted, 3);
  EXPECT_EQ(s.prf.tp_p, 2);
  EXPECT_EQ(s.prf.gold, 1);
  EXPECT_EQ(s.prf.tp_r, 1);
  EXPECT_EQ(s.false_positives, std::vector<size_t>{2});
  EXPECT_EQ(s.dated, 1);
  EXPECT_EQ(s.date_correct, 1);
}

TEST(EventScoreTest, DateAccuracyCountsAWrongDateOnAnOtherwiseMatchedEvent) {
  GoldEvent req = Meeting();
  const EventScore s = ScoreEvents({&req}, {Predicted("040", {{"Turkey", {}}, {"Hamas", {}}}, "Istanbul", "2025-11-05")});
  EXPECT_EQ(s.prf.tp_r, 0);
  EXPECT_EQ(s.dated, 1);
  EXPECT_EQ(s.date_correct, 0);
  ASSERT_EQ(s.date_errors.size(), 1u);
}

TEST(EventScoreTest, BestMatchPrefersTheFullMatchThenTheMostConstraints) {
  const std::vector<PredictedEvent> preds{
      Predicted("040", {{"Turkey", {}}}, "Istanbul", ""),
      Predicted("040", {{"Turkey", {}}, {"Hamas", {}}}, "Istanbul", "2025-11-01"),
      Predicted("010", {{"Turkey", {}}, {"Hamas", {}}}, "Istanbul", "2025-11-01")};
  EXPECT_EQ(BestMatch(Meeting(), preds), std::optional<size_t>(1));
  EXPECT_EQ(BestMatch(Meeting(), {preds[0]}), std::optional<size_t>(0));
  EXPECT_EQ(BestMatch(Meeting(), {preds[2]}), std::nullopt);
}

TEST(EntityScoreTest, NamesCompareCaseInsensitivelyAndOptionalOnlyHelpsPrecision) {
  GoldEntities g;
  g.required = {{"İbrahim Kalın", "PER"}, {"Turkey", "GPE"}};
  g.optional = {{"Reuters", "ORG"}};
  const EntityScore s = ScoreEntities(g, {{"TURKEY", "GPE"}, {"reuters", "GPE"}, {"Mars", "LOC"}});
  EXPECT_EQ(s.prf.predicted, 3);
  EXPECT_EQ(s.prf.tp_p, 2);
  EXPECT_EQ(s.prf.gold, 2);
  EXPECT_EQ(s.prf.tp_r, 1);
  EXPECT_EQ(s.typed, 2);
  EXPECT_EQ(s.type_correct, 1);
}

TEST(GoldLoadTest, MalformedLineNamesFileAndLine) {
  const auto dir = std::filesystem::temp_directory_path() / "newsflow-eval-gold-test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "docs.jsonl") << "{\"doc\":\"a.txt\",\"language\":\"en\",\"title\":null,\"published\":null,\"source\":\"X\"}\n";
  std::ofstream(dir / "entities.jsonl") << "{\"doc\":\"a.txt\",\"required\":[[\"X\",\"ORG\"]]}\n{oops\n";
  std::ofstream(dir / "events.jsonl") << "";
  std::ofstream(dir / "fusion.jsonl") << "";
  auto g = LoadGold(dir);
  ASSERT_FALSE(g.ok());
  EXPECT_NE(g.status().message().find("entities.jsonl:2"), std::string::npos) << g.status().message();
  std::filesystem::remove_all(dir);
}

TEST(GoldLoadTest, ReadsTheSharedGoldSet) {
  const std::filesystem::path dir = std::filesystem::path(NEWSFLOW_SOURCE_DIR) / ".." / "shared" / "gold";
  if (!std::filesystem::exists(dir / "events.jsonl")) GTEST_SKIP() << "no shared gold set here";
  auto g = LoadGold(dir);
  ASSERT_TRUE(g.ok()) << g.status().message();
  EXPECT_EQ(g->docs.size(), 5u);
  EXPECT_FALSE(g->events.empty());
  EXPECT_EQ(g->fusion.size(), 4u);
}

}  // namespace
}  // namespace newsflow::eval
