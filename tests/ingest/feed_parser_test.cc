// Feed documents: RSS 2.0 / Atom fields, HTML to text, RFC 822 dates, and documents that are not
// feeds or try to reach outside (external entities).
#include <gtest/gtest.h>

#include "newsflow/ingest/feed.h"
#include "test_http_server.h"

namespace newsflow::ingest {
namespace {

using testing::ReadFeedFixture;

int64_t Epoch(const std::optional<TimePoint>& t) {
  return t ? std::chrono::duration_cast<std::chrono::seconds>(t->time_since_epoch()).count() : -1;
}

TEST(FeedParserTest, RssItemsCarryTitleLinkGuidContentOutletLanguageAndDate) {
  auto feed = ParseFeed(ReadFeedFixture("rss_vi.xml"));
  ASSERT_TRUE(feed.ok()) << feed.status().message();
  EXPECT_EQ(feed->title, "Báo Thử Nghiệm Miền Nam");
  ASSERT_EQ(feed->items.size(), 3u);
  const FeedItem& a = feed->items[0];
  EXPECT_EQ(a.id, "vi-001");
  EXPECT_EQ(a.title, "Khánh thành nhà máy nước sạch ở Biên Hòa");
  EXPECT_EQ(a.link, "https://tin.example.vn/bai/nha-may-nuoc");
  EXPECT_EQ(a.text,
            "Nhà máy mới cung cấp nước sạch cho hơn năm mươi nghìn hộ dân.\n\n"
            "Ủy ban nhân dân tỉnh cho biết công trình hoàn thành sớm hai tháng.")
      << "content:encoded is the longer text and wins over the description";
  EXPECT_EQ(a.outlet, "Báo Thử Nghiệm Miền Nam") << "the channel title when the item names no source";
  EXPECT_EQ(a.language, "vi") << "vi-VN reduced to its primary subtag";
  EXPECT_EQ(Epoch(a.published), 1770081300);  // 2026-02-03T01:15:00Z
  EXPECT_EQ(feed->items[1].outlet, "Đài Phát thanh Thử") << "the item's <source> wins";
  EXPECT_EQ(feed->items[2].id, "https://tin.example.vn/bai/ca-phe") << "no guid: the link identifies the item";
  EXPECT_EQ(Epoch(feed->items[2].published), 1770249600) << "dc:date in ISO 8601";
}

TEST(FeedParserTest, AtomEntriesTakeAlternateLinkHtmlAndXhtmlContentAndXmlLang) {
  auto feed = ParseFeed(ReadFeedFixture("atom_ar.xml"));
  ASSERT_TRUE(feed.ok()) << feed.status().message();
  EXPECT_EQ(feed->title, "وكالة الأنباء التجريبية");
  ASSERT_EQ(feed->items.size(), 2u);
  const FeedItem& a = feed->items[0];
  EXPECT_EQ(a.id, "tag:news.example.org,2026:ar-1");
  EXPECT_EQ(a.link, "https://news.example.org/ar/bridge") << "rel=alternate, not the enclosure";
  EXPECT_EQ(a.text,
            "افتتح محافظ المدينة صباح اليوم جسرا جديدا يربط ضفتي النهر.\n\n"
            "وقال إن الجسر سيخفف الازدحام المروري في وسط المدينة.");
  EXPECT_EQ(a.language, "ar");
  EXPECT_EQ(a.outlet, "وكالة الأنباء التجريبية");
  EXPECT_EQ(Epoch(a.published), 1770273000) << "published, not updated";
  const FeedItem& b = feed->items[1];
  EXPECT_EQ(b.link, "https://news.example.org/ar/wheat") << "a link without rel is the alternate";
  EXPECT_EQ(b.text, "ارتفعت أسعار القمح للأسبوع الثالث على التوالي.\n\nوأرجع التجار ذلك إلى قلة الأمطار هذا الموسم.");
  EXPECT_EQ(Epoch(b.published), 1770379200) << "updated when there is no published";
}

TEST(FeedParserTest, HtmlDescriptionsBecomePlainTextWithoutScriptsOrEntities) {
  auto feed = ParseFeed(ReadFeedFixture("html_en.xml"));
  ASSERT_TRUE(feed.ok()) << feed.status().message();
  ASSERT_EQ(feed->items.size(), 2u);
  EXPECT_EQ(feed->items[0].text,
            "The ferry between the two islands resumed on Monday & passengers queued early.\n\n"
            "Operators said repairs took three days.\nTickets are half price this week.");
  EXPECT_EQ(feed->items[1].title, "Council approves budget & fee cuts");
  EXPECT_EQ(feed->items[1].text,
            "The council approved a new budget on Tuesday & cut parking fees by a fifth.\n\n"
            "Parks get more money.\nRoads get less.")
      << "escaped HTML is decoded twice: XML entities, then HTML ones";
  EXPECT_EQ(feed->items[1].language, "en");
  EXPECT_EQ(Epoch(feed->items[1].published), 1770762000) << "EST is UTC-5";
}

TEST(FeedParserTest, WrappedTitlesAreOneLineAndItemsWithoutGuidOrLinkAreKeyedByContent) {
  auto feed = ParseFeed(
      "<rss version=\"2.0\"><channel><title>Bản tin\n  buổi sáng</title>"
      "<item><title>Giá xăng giảm\n    lần thứ ba</title><description>Giá xăng giảm nhẹ từ chiều nay.</description></item>"
      "<item><title>Giá xăng giảm lần thứ tư</title><description>Giá xăng lại giảm.</description></item>"
      "</channel></rss>");
  ASSERT_TRUE(feed.ok()) << feed.status().message();
  ASSERT_EQ(feed->items.size(), 2u);
  EXPECT_EQ(feed->items[0].title, "Giá xăng giảm lần thứ ba");
  EXPECT_EQ(feed->items[0].outlet, "Bản tin buổi sáng");
  EXPECT_FALSE(feed->items[0].id.empty());
  EXPECT_NE(feed->items[0].id, feed->items[1].id);
  EXPECT_EQ(feed->items[0].language, "") << "no language anywhere: the parser detects it";
}

TEST(FeedParserTest, MalformedXmlAndOtherDocumentsAreDataLossWithAReason) {
  auto broken = ParseFeed(ReadFeedFixture("malformed.xml"));
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.status().code(), ErrorCode::kDataLoss);
  EXPECT_TRUE(broken.status().message().starts_with("not_xml: line ")) << broken.status().message();
  EXPECT_EQ(broken.status().message().find('\n'), std::string::npos) << "one line";

  auto html = ParseFeed("<html><body><p>Trang này không phải là nguồn tin.</p></body></html>");
  ASSERT_FALSE(html.ok());
  EXPECT_EQ(html.status().message(), "not_a_feed: root <html>");
  EXPECT_FALSE(ParseFeed("").ok());
  EXPECT_FALSE(ParseFeed("<rss version=\"2.0\"><title>no channel</title></rss>").ok());
}

TEST(FeedParserTest, ExternalEntitiesAreNeverLoadedNorExpanded) {
  const std::string xxe =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [<!ENTITY secret SYSTEM \"file:///etc/passwd\">]>\n"
      "<rss version=\"2.0\"><channel><title>T</title><item><guid>x</guid><title>Leak</title>"
      "<description>before &secret; after</description></item></channel></rss>";
  auto feed = ParseFeed(xxe);
  if (feed.ok()) {
    ASSERT_EQ(feed->items.size(), 1u);
    EXPECT_EQ(feed->items[0].text.find("root:"), std::string::npos) << feed->items[0].text;
    EXPECT_LT(feed->items[0].text.size(), 40u);
  }
  // Entity amplification: the text never grows beyond what the document spells out.
  std::string laughs = "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [<!ENTITY a \"hahahahahahahahahaha\">";
  for (char c = 'b'; c <= 'j'; ++c) {
    std::string refs;  // ten references to the previous entity: 10^9 "ha"s when expanded
    for (int i = 0; i < 10; ++i) refs += std::string("&") + static_cast<char>(c - 1) + ";";
    laughs += std::string("<!ENTITY ") + c + " \"" + refs + "\">";
  }
  laughs += "]><rss version=\"2.0\"><channel><title>T</title><item><guid>y</guid><description>&j;</description>"
            "</item></channel></rss>";
  auto bomb = ParseFeed(laughs);
  if (bomb.ok()) {
    ASSERT_EQ(bomb->items.size(), 1u);
    EXPECT_LT(bomb->items[0].text.size(), 1000u);
  }
}

struct HtmlCase {
  const char* html;
  const char* text;
};

class HtmlToTextTest : public ::testing::TestWithParam<HtmlCase> {};

TEST_P(HtmlToTextTest, DropsTagsDecodesEntitiesAndKeepsParagraphs) {
  EXPECT_EQ(HtmlToText(GetParam().html), GetParam().text);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, HtmlToTextTest,
    ::testing::Values(HtmlCase{"Chỉ là văn bản thường.", "Chỉ là văn bản thường."},
                      HtmlCase{"  nhiều   khoảng\ttrắng  ", "nhiều khoảng trắng"},
                      HtmlCase{"<p>Đoạn một.</p><p>Đoạn <i>hai</i>.</p>", "Đoạn một.\n\nĐoạn hai."},
                      HtmlCase{"قال الوزير&nbsp;إن &quot;الاتفاق&quot; قريب", "قال الوزير إن \"الاتفاق\" قريب"},
                      HtmlCase{"<div>سطر أول<br>سطر ثان</div>", "سطر أول\nسطر ثان"},
                      HtmlCase{"Prices rose 5&#37; &lt;again&gt;", "Prices rose 5% <again>"},
                      HtmlCase{"<h2>Heading</h2>Text<script>var x = 1;</script>", "Heading\n\nText"},
                      HtmlCase{"<img src=x.jpg>", ""}, HtmlCase{"", ""}));

struct Rfc822Case {
  const char* text;
  long long epoch;  // -1 = rejected
};

class Rfc822Test : public ::testing::TestWithParam<Rfc822Case> {};

TEST_P(Rfc822Test, ParsesToUtc) { EXPECT_EQ(Epoch(ParseRfc822Time(GetParam().text)), GetParam().epoch); }

INSTANTIATE_TEST_SUITE_P(Cases, Rfc822Test,
                         ::testing::Values(Rfc822Case{"Sat, 21 Nov 2026 00:00:00 GMT", 1795219200},
                                           Rfc822Case{"Sat, 21 Nov 2026 07:00:00 +0700", 1795219200},
                                           Rfc822Case{"21 Nov 2026 00:00 UT", 1795219200},
                                           Rfc822Case{"Fri, 20 Nov 2026 19:00:00 EST", 1795219200},
                                           Rfc822Case{"Fri, 20 Nov 26 20:30:00 -0330", 1795219200},
                                           Rfc822Case{"Sat,21 November 2026 00:00:00 Z", 1795219200},
                                           Rfc822Case{"Mon, 30 Feb 2026 10:00:00 GMT", -1},
                                           Rfc822Case{"Mon, 02 Foo 2026 10:00:00 GMT", -1},
                                           Rfc822Case{"2026-11-21T00:00:00Z", -1}, Rfc822Case{"", -1}));

}  // namespace
}  // namespace newsflow::ingest
