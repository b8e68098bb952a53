"""Word lists about personal names, shared by the context rules and ``entities suggest``.

- :data:`GIVEN_NAMES`: common Arabic given names (the ``@given-name`` word class).
- :data:`KINSHIP`: words that join the parts of a full name (بن، آل، أبو…).
- :data:`NOT_FAMILY`: words with the article that follow a name but are not family names
  (directions, relatives, days): the ``@family-name`` class never matches them.
- :data:`PERSON_TITLES`: titles that introduce a person's name (الأمير، الوزير، الشيخ…).

The browser's analyzer receives the normalized lists through
:meth:`archive.gazetteer.matcher.NameMatcher.export_table`.
"""

from __future__ import annotations

from archive.analysis.normalize import normalize

_GIVEN = """
محمد أحمد علي عبدالله عبد خالد سعد سعود فهد فيصل سلطان سلمان نايف تركي بندر مشعل منصور
عبدالعزيز عبدالرحمن عبدالرحيم عبدالكريم عبداللطيف عبدالمحسن عبدالمجيد عبدالإله عبدالهادي
إبراهيم إسماعيل يوسف يعقوب موسى عيسى يحيى زكريا سليمان داود هارون إدريس صالح حسن حسين
حمد حمود حامد محمود مصطفى عمر عثمان طلال ماجد ماهر مازن مالك مشاري متعب مقرن ممدوح
ناصر نواف هاني هشام هيثم وليد ياسر يزيد زياد زيد سامي سعيد سالم سلامة سليم شريف طارق
عادل عامر عبيد عدنان عزيز عصام علاء عماد عمرو عوض غازي فارس فالح فايز فؤاد قاسم كريم
كمال لؤي مجيد مراد مساعد مسلم معاذ معن منير مهدي نبيل نادر نزار نصر نعيم هادي هلال وائل
وحيد بدر بسام بشير بكر ثامر جابر جاسم جمال جميل حاتم حازم حسام حمزة خليل راشد رائد رامي
رياض زهير ساري بشار بشرى سامر سعدون شادي صابر صلاح ضيف ظافر عارف عايض عبود غسان فراس فواز فيصل
مبارك مرزوق مشهور مطلق معتز مفلح منذر مهند موفق ناجي نجيب هزاع وضاح ياسين يونس أسامة
أنس أيمن باسل جعفر جلال حمدان خضر رضا سفيان شاكر ضياء عاطف عباس عبد نوح نور
فاطمة عائشة مريم خديجة زينب سارة نورة هيفاء منى هدى ليلى سلمى أمل ريم لطيفة نوال سميرة
"""

GIVEN_NAMES: frozenset[str] = frozenset(normalize(w) for w in _GIVEN.split())

KINSHIP: frozenset[str] = frozenset(normalize(w) for w in "بن ابن بنت آل أبو ابو أبي بو أم".split())

NOT_FAMILY: frozenset[str] = frozenset(normalize(w) for w in """
الذي الذين اللذين اللذان التي اللتين اللتان اللاتي اللواتي الشرقي الغربي الشمالي الجنوبي
الأوسط الأدنى الأعلى الأخرى الآخر الآن اليوم أمس السبت الأحد الاثنين الثلاثاء الأربعاء
الخميس الماضي الحالي المقبل القادم القديم الجديد الكبير الصغير الأول الثاني الثالث
الواقع المحرر المحاصر المجاور القريب البعيد الدولي الوطني العام الخاص الطبي الجامعي
التخصصي المركزي الرسمي الحالي السابق الراحل الثقافي الاجتماعي الرياضي الخيري الصحي
التعليمي العالمي الإسلامي
""".split())

PERSON_TITLES: tuple[str, ...] = (
    "الأمير", "الأميرة", "الملك", "الرئيس", "الوزير", "وزير", "الشيخ", "الدكتور", "د.",
    "المهندس", "اللواء", "العميد", "العقيد", "الفريق", "القاضي", "الفنان", "الفنانة",
    "اللاعب", "المدرب", "الكابتن", "السفير", "المستشار", "الأستاذ", "الإمام", "المفتي",
    "ولي العهد", "خادم الحرمين الشريفين", "سمو", "معالي", "فضيلة", "النائب", "المتحدث",
)


def is_given_name(word: str) -> bool:
    """``word`` (normalized) is a common given name (the ``@given-name`` class)."""
    return word in GIVEN_NAMES


def is_family_name(word: str) -> bool:
    """``word`` (normalized) looks like the family part of a name (the ``@family-name`` class):
    a kinship word (بن، آل، أبو) or a word with the article ال, at least three letters after
    it, not ending in ه (ة: feminine nouns and adjectives) and not in :data:`NOT_FAMILY`
    (السعدون، الحمدان، الحربي; not الشمالي, التي, الواقعة)."""
    if word in KINSHIP:
        return True
    return (word.startswith("ال") and len(word) >= 5 and not word.endswith("ه")
            and word not in NOT_FAMILY)
