"""Tables for the demo station 振兴基层治理联动工作站 (ZX), used by ``manage.py seed_demo``.

Plain data only: departments, grids, people, the category taxonomy with its keyword rules and
about fifty sample cases. The default time limits and working hours are the code's own
(``cases.deadlines.DEFAULT_LIMITS``, ``workstation.calendar.DEFAULT_PERIODS``). Every name,
phone number and ID number here is invented; party names follow the 张某/李某 convention of
published case reports.
"""

from dataclasses import dataclass, field

from stdnum.cn import ric

from cases.models import Complexity

# Every demo account signs in with this password; it is printed by the command and in the README.
DEMO_PASSWORD = "Demo@2026"  # noqa: S105 - a documented demo password, not a secret

STATION = {
    "code": "ZX",
    "name": "振兴基层治理联动工作站",
    "district": "示范区",
    "township": "振兴街道",
    "address": "示范区振兴街道振兴路88号",
    "latitude": "30.270200",
    "longitude": "120.152600",
}

# The "4": (code, name, short name), stationed every day.
STATIONED_DEPARTMENTS = [
    ("police", "公安分局", "公安"),
    ("enforcement", "综合行政执法局", "综合执法"),
    ("market", "市场监管局", "市场监管"),
    ("mediation", "人民调解委员会", "调解员"),
]

# The "X": (code, name, short name, liaison officer's username, display name), on demand.
LIAISON_DEPARTMENTS = [
    ("hrss", "人力社保局", "人力社保", "renshe", "冯丽"),
    ("construction", "建设交通局", "建设交通", "jianjiao", "蒋涛"),
    ("social", "社会发展局", "社会发展", "liaison_social", "钱晓东"),
    ("emergency", "应急管理局", "应急管理", "yingji", "沈杰"),
    ("planning", "自然资源和规划分局", "自然资源和规划", "liaison_planning", "韩雪"),
    ("ecology", "生态环境分局", "生态环境", "liaison_ecology", "杨帆"),
    ("civil", "民政局", "民政", "liaison_civil", "朱丽娟"),
    ("justice", "司法局", "司法", "liaison_justice", "秦明"),
    ("health", "卫生健康局", "卫生健康", "liaison_health", "许佳"),
    ("education", "教育局", "教育", "liaison_education", "何静"),
    ("agriculture", "农业农村局", "农业农村", "liaison_agriculture", "吕强"),
    ("water", "水利局", "水利", "liaison_water", "施伟"),
    ("housing", "住房保障和房产管理局", "房管", "liaison_housing", "张红梅"),
    ("petition", "信访局", "信访", "liaison_petition", "孔祥"),
    ("union", "区总工会", "总工会", "liaison_union", "曹敏"),
]

# (code, name, community, centre latitude, centre longitude)
GRIDS = [
    ("ZJH-01", "紫金凰社区第一网格", "紫金凰社区", "30.271200", "120.149800"),
    ("ZJH-02", "紫金凰社区第二网格", "紫金凰社区", "30.273500", "120.153100"),
    ("ZXS-01", "振兴社区第一网格", "振兴社区", "30.266800", "120.156200"),
    ("ZXS-02", "振兴社区第二网格", "振兴社区", "30.268900", "120.160500"),
    ("FL-01", "丰乐社区网格", "丰乐社区", "30.278100", "120.144700"),
    ("GHY-01", "桂花园社区网格", "桂花园社区", "30.262400", "120.147300"),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    title: str  # what the summary calls them
    role: str = ""  # a workstation.models.Role value; "" for the administrator
    department: str = ""
    grids: tuple[str, ...] = ()
    superuser: bool = False


# The named demo accounts. Liaison officers of the other X departments are added from the table
# above with usernames liaison_<code>, and every grid has a worker.
DEMO_USERS = [
    DemoUser("admin", "系统管理员", "管理员", superuser=True),
    DemoUser("zhanzhang", "陈立新", "站长", role="chief"),
    DemoUser("fuzhanzhang", "王海燕", "常务副站长", role="chief"),
    DemoUser("wanggeyuan", "刘芳", "网格员", role="grid_worker", grids=("ZJH-01", "ZJH-02")),
    DemoUser("wanggeyuan2", "赵磊", "网格员", role="grid_worker", grids=("ZXS-01", "ZXS-02")),
    DemoUser("wanggeyuan3", "孙丽华", "网格员", role="grid_worker", grids=("FL-01",)),
    DemoUser("wanggeyuan4", "马建军", "网格员", role="grid_worker", grids=("GHY-01",)),
    DemoUser("gongan", "孙浩", "民警", role="handler", department="police"),
    DemoUser("zhifa", "周斌", "执法队员", role="handler", department="enforcement"),
    DemoUser("shijian", "吴静", "市场监管员", role="handler", department="market"),
    DemoUser("tiaojie", "郑国华", "调解员", role="mediator", department="mediation"),
    DemoUser("renshe", "冯丽", "联络员", role="handler", department="hrss"),
    DemoUser("jianjiao", "蒋涛", "联络员", role="handler", department="construction"),
    DemoUser("yingji", "沈杰", "联络员", role="handler", department="emergency"),
    DemoUser("lingdao", "黄建明", "区领导", role="leader"),
]


@dataclass(frozen=True)
class DemoCategory:
    code: str
    name: str
    owner: str = ""
    clarity: str = "clear"
    co: tuple[str, ...] = ()
    complexity: int = Complexity.NORMAL
    keywords: tuple[tuple[str, int], ...] = ()
    description: str = ""
    children: tuple["DemoCategory", ...] = ()


CATEGORIES = [
    DemoCategory(
        "dispute",
        "矛盾纠纷",
        description="群众之间、群众与企业之间的各类矛盾纠纷。",
        children=(
            DemoCategory(
                "neighbour",
                "邻里纠纷",
                owner="mediation",
                clarity="blurred",
                co=("enforcement", "police"),
                keywords=(("空调外机", 3), ("噪音", 2), ("漏水", 2), ("楼道堆物", 2), ("宠物", 1), ("狗叫", 1)),
                description="相邻关系、生活噪音、漏水、公共部位使用等邻里矛盾，常涉及执法与治安。",
            ),
            DemoCategory(
                "family",
                "婚姻家庭纠纷",
                owner="mediation",
                keywords=(("赡养", 3), ("离婚", 2), ("抚养", 2), ("家庭矛盾", 2)),
            ),
            DemoCategory(
                "property",
                "物业纠纷",
                owner="construction",
                clarity="blurred",
                co=("market", "mediation"),
                keywords=(("物业费", 3), ("物业公司", 2), ("电梯", 2), ("停车位", 2)),
                description="业主与物业服务企业之间的纠纷，涉及行业监管、收费和调解。",
            ),
            DemoCategory(
                "wage",
                "劳资纠纷",
                owner="hrss",
                co=("mediation",),
                keywords=(("欠薪", 3), ("讨薪", 2), ("拖欠", 2), ("工资", 2), ("劳动合同", 1)),
            ),
            DemoCategory(
                "consumer",
                "消费纠纷",
                owner="market",
                keywords=(("预付卡", 3), ("退款", 2), ("假货", 2), ("退费", 2), ("质量问题", 1)),
            ),
        ),
    ),
    DemoCategory(
        "urban",
        "城市管理",
        description="违章搭建、占道经营、市容环卫和环境问题。",
        children=(
            DemoCategory(
                "illegal-building",
                "违章搭建",
                owner="enforcement",
                complexity=15,
                keywords=(("违建", 3), ("违章搭建", 3), ("加层", 2), ("阳光房", 2), ("搭建", 1)),
            ),
            DemoCategory(
                "street-vending",
                "占道经营",
                owner="enforcement",
                complexity=1,
                keywords=(("占道", 3), ("流动摊贩", 2), ("摆摊", 2), ("出店经营", 2)),
            ),
            DemoCategory(
                "sanitation",
                "市容环卫",
                owner="enforcement",
                complexity=1,
                keywords=(("垃圾", 2), ("小广告", 2), ("乱扔", 1)),
            ),
            DemoCategory(
                "pollution",
                "环境污染",
                owner="ecology",
                clarity="blurred",
                co=("enforcement",),
                keywords=(("油烟", 3), ("异味", 2), ("排污", 2), ("污水", 1), ("施工噪声", 2)),
                description="餐饮油烟归综合执法，工业废气、排污归生态环境，边界模糊时联合管。",
            ),
        ),
    ),
    DemoCategory(
        "safety",
        "安全稳定",
        description="安全隐患、治安问题和食品安全。",
        children=(
            DemoCategory(
                "hazard",
                "安全隐患",
                owner="emergency",
                complexity=1,
                keywords=(("消防通道", 3), ("燃气", 3), ("电瓶车", 2), ("飞线充电", 2), ("安全隐患", 1)),
            ),
            DemoCategory(
                "public-order",
                "治安问题",
                owner="police",
                complexity=1,
                keywords=(("打架", 2), ("醉酒", 2), ("滋事", 2), ("盗窃", 2), ("可疑人员", 1)),
            ),
            DemoCategory(
                "food-safety",
                "食品安全",
                owner="market",
                keywords=(("过期食品", 3), ("变质", 2), ("食品安全", 2), ("无证经营", 1)),
            ),
        ),
    ),
    DemoCategory(
        "livelihood",
        "民生服务",
        description="困难救助、教育和排水等民生诉求。",
        children=(
            DemoCategory(
                "social-aid",
                "社会救助",
                owner="civil",
                keywords=(("低保", 3), ("救助", 2), ("生活困难", 2), ("残疾人", 1)),
            ),
            DemoCategory(
                "education",
                "教育培训",
                owner="education",
                keywords=(("校外培训", 3), ("入学", 2)),
            ),
            DemoCategory(
                "drainage",
                "河道排水",
                owner="water",
                keywords=(("积水", 2), ("河道", 2), ("排水", 2), ("窨井", 1)),
            ),
        ),
    ),
]


def fake_id_number(region: str, birthday: str, sequence: int) -> str:
    """An invented 18-character resident ID number with a valid GB 11643 check character."""
    body = f"{region}{birthday}{sequence:03d}"
    return body + ric.calc_check_digit(body + "?")  # stdnum reads the 17 characters before a check place


@dataclass(frozen=True)
class DemoParty:
    role: str  # a cases.models.PartyRole value
    name: str
    phone: str = ""
    id_number: str = ""
    organization: str = ""
    address: str = ""


@dataclass(frozen=True)
class DemoCase:
    """One sample case and how far along its life it has come.

    ``days_ago`` places the report relative to now; everything after follows from the time limits.
    ``late`` resolves after the handling due time; ``rework`` counts dissatisfied verdicts before
    the last resolution; ``satisfaction`` is the closing verdict (``default`` = no answer in time).
    """

    key: str
    status: str
    category: str
    title: str
    description: str
    days_ago: float
    source: str = "grid"
    grid: str = ""
    urgency: str = "normal"
    address: str = ""
    parties: tuple[DemoParty, ...] = ()
    contact: tuple[str, str] = ("", "")  # name and phone of an outside reporter
    resolution: str = ""
    late: bool = False
    rework: int = 0
    satisfaction: str = "satisfied"
    reject_reason: str = ""
    duplicate_of: str = ""
    mediation: tuple[str, ...] = field(default=())  # held rounds: the agreement text of each


P = DemoParty
STORY_KEY = "story"
STORY_TITLE = "紫金凰小区空调外机噪音纠纷"

CASES = [
    # --- The story case: a joint neighbour dispute in progress, mediation round 2 scheduled. ---
    DemoCase(
        STORY_KEY,
        "in_progress",
        "neighbour",
        STORY_TITLE,
        "紫金凰小区3幢2单元502室李某新装的空调外机挂在402室张某卧室窗外正上方，夜间运行噪音大、冷凝水滴落在张某"
        "窗台。双方多次争吵，张某扬言要自行拆除外机，矛盾有激化苗头，需多部门联合调处。",
        4.2,
        grid="ZJH-01",
        address="紫金凰小区3幢2单元",
        parties=(
            P("complainant", "张某", "13900001001", fake_id_number("330106", "19680415", 213), address="3幢2单元402室"),
            P("respondent", "李某", "13900001002", fake_id_number("330106", "19850922", 137), address="3幢2单元502室"),
        ),
    ),
    # --- Closed ---
    DemoCase(
        "wage-restaurant",
        "closed",
        "wage",
        "餐饮店拖欠三名服务员两个月工资",
        "振兴路某餐饮店经营困难，拖欠三名服务员9月、10月工资共计2.4万元，员工多次讨要未果，情绪激动。",
        46,
        grid="ZXS-01",
        address="振兴路126号",
        parties=(
            P("complainant", "王某", "13900001011", fake_id_number("341221", "19990307", 422)),
            P("respondent", "赵某", "13900001012", organization="示范区某某餐饮店"),
        ),
        resolution="人力社保局约谈店主，督促签订还款计划，拖欠工资已于约定日期全额支付。",
    ),
    DemoCase(
        "prepaid-gym",
        "closed",
        "consumer",
        "健身房闭店预付卡无法退款",
        "来电人反映振兴广场某健身房突然闭店，会员预付卡余额无法使用，要求退款，涉及会员约六十人。",
        38,
        source="12345",
        grid="ZXS-02",
        address="振兴广场B座3楼",
        contact=("陈女士", "13900001021"),
        parties=(P("respondent", "钱某", "13900001022", organization="示范区某某健身服务有限公司"),),
        resolution="市场监管局立案调查，督促经营者制定退款方案，已按剩余课时比例分批退款。",
    ),
    DemoCase(
        "rooftop-storey",
        "closed",
        "illegal-building",
        "丰乐小区顶楼住户私自加层",
        "丰乐小区7幢顶楼住户在楼顶搭建彩钢房约40平方米，邻居担心影响房屋结构和防水。",
        55,
        grid="FL-01",
        address="丰乐小区7幢",
        parties=(P("respondent", "孙某", "13900001031", fake_id_number("330106", "19720118", 355)),),
        resolution="综合执法局下达限期拆除通知，当事人已自行拆除，现场复查无残留。",
        late=True,
    ),
    DemoCase(
        "ebike-charging",
        "closed",
        "hazard",
        "楼道内电瓶车飞线充电",
        "紫金凰小区12幢1单元多户居民从窗口拉线至楼道给电瓶车充电，夜间无人看管，存在火灾风险。",
        20,
        grid="ZJH-02",
        urgency="urgent",
        address="紫金凰小区12幢1单元",
        resolution="应急管理局会同社区上门宣传，拆除私拉电线4处，引导至小区集中充电桩充电。",
    ),
    DemoCase(
        "water-leak",
        "closed",
        "neighbour",
        "楼上卫生间漏水致楼下天花板霉变",
        "振兴社区5幢301室反映楼上401室卫生间长期漏水，天花板霉变，多次协商未果。",
        30,
        grid="ZXS-02",
        address="振兴社区5幢",
        parties=(
            P("complainant", "周某", "13900001041"),
            P("respondent", "吴某", "13900001042", fake_id_number("330106", "19900611", 248)),
        ),
        resolution="经联合调处双方达成协议，楼上住户已重做防水并赔偿修复费用。",
        mediation=("401室住户两周内重做卫生间防水，并一次性赔偿301室天花板修复费用2000元。",),
    ),
    DemoCase(
        "vendors-market",
        "closed",
        "street-vending",
        "菜场门口流动摊贩占道",
        "丰乐菜场东门早晚高峰流动摊贩占道经营，造成交通拥堵。",
        25,
        source="four-platforms",
        grid="FL-01",
        address="丰乐菜场东门",
        resolution="综合执法局加强早晚巡查，引导摊贩进入菜场临时摊位，占道现象已消除。",
    ),
    DemoCase(
        "elder-support",
        "closed",
        "family",
        "子女推诿赡养八旬老人",
        "八十二岁的何某到站反映三个子女互相推诿，无人承担赡养义务，生活无人照料。",
        33,
        source="walk_in",
        grid="GHY-01",
        address="桂花园社区9幢",
        contact=("何某", "13900001051"),
        parties=(
            P("complainant", "何某", "13900001051", fake_id_number("330106", "19440802", 116)),
            P("respondent", "何某甲", "13900001052"),
            P("respondent", "何某乙", "13900001053"),
        ),
        resolution="调解员召集三名子女调解，约定轮流照料并按月分担生活费，老人表示满意。",
        satisfaction="basic",
    ),
    DemoCase(
        "lift-stopped",
        "closed",
        "property",
        "电梯停运一个月物业公司不维修",
        "紫金凰小区8幢电梯停运一个月，物业公司称维修资金不足，老年住户上下楼困难。",
        40,
        source="12345",
        grid="ZJH-02",
        address="紫金凰小区8幢",
        contact=("杨先生", "13900001061"),
        parties=(P("respondent", "郑某", "13900001062", organization="示范区某某物业服务有限公司"),),
        resolution="建设交通局协调启用专项维修资金，电梯已更换主板恢复运行。",
        rework=1,
    ),
    DemoCase(
        "garbage-late",
        "closed",
        "sanitation",
        "小区垃圾清运不及时",
        "振兴社区3号垃圾房连续三天未清运，垃圾满溢，气味难闻。",
        16,
        grid="ZXS-01",
        address="振兴社区3号垃圾房",
        resolution="综合执法局督促环卫公司当日清运，并调整为每日两次清运。",
        satisfaction="default",
    ),
    DemoCase(
        "barking-dog",
        "closed",
        "neighbour",
        "宠物狗夜间狗叫扰民",
        "报警人称楼下住户饲养的两只大型犬夜间持续狗叫，影响休息，双方发生口角。",
        18,
        source="110",
        grid="GHY-01",
        address="桂花园社区4幢",
        contact=("冯先生", "13900001071"),
        parties=(P("complainant", "冯某", "13900001071"), P("respondent", "陈某", "13900001072")),
        resolution="民警与调解员上门调解，犬主承诺夜间将犬只关在室内并办理养犬登记。",
        satisfaction="basic",
    ),
    DemoCase(
        "expired-milk",
        "closed",
        "food-safety",
        "早餐店销售过期食品",
        "来电人反映振兴路某早餐店销售过期食品（袋装牛奶），要求查处。",
        22,
        source="12345",
        grid="ZXS-01",
        address="振兴路58号",
        contact=("沈女士", "13900001081"),
        resolution="市场监管局现场检查，下架过期商品并立案处罚。",
    ),
    DemoCase(
        "cooking-fumes",
        "closed",
        "pollution",
        "餐馆油烟直排影响居民",
        "紫金凰小区底商某餐馆未安装油烟净化设施，油烟直排至居民窗口。",
        28,
        grid="ZJH-01",
        address="紫金凰小区底商5号",
        parties=(P("respondent", "韩某", "13900001091", organization="示范区某某小吃店"),),
        resolution="生态环境分局与综合执法局联合检查，餐馆已安装油烟净化器并达标排放。",
        satisfaction="basic",
    ),
    DemoCase(
        "drunk-brawl",
        "closed",
        "public-order",
        "夜宵摊醉酒滋事",
        "报警人称夜宵摊有人醉酒滋事，砸坏桌椅。",
        12,
        source="110",
        grid="ZXS-02",
        urgency="urgent",
        address="振兴路夜市",
        contact=("夜宵摊主", "13900001101"),
        resolution="民警到场处置，滋事人员已依法处理并赔偿摊主损失。",
    ),
    DemoCase(
        "elderly-aid",
        "closed",
        "social-aid",
        "独居老人生活困难申请救助",
        "网格员走访发现桂花园社区独居老人因病生活困难，申请临时救助。",
        35,
        grid="GHY-01",
        address="桂花园社区11幢",
        parties=(P("complainant", "许某", "13900001111", fake_id_number("330106", "19510923", 305)),),
        resolution="民政局审核后发放临时救助金，并纳入社区重点关爱对象。",
    ),
    DemoCase(
        "workers-gathering",
        "closed",
        "wage",
        "装修工人聚集讨薪",
        "区领导批示：某装修公司拖欠20余名工人工资，工人在工地聚集讨薪，请工作站牵头化解。",
        50,
        source="leader",
        grid="FL-01",
        urgency="major",
        address="丰乐路某装修工地",
        parties=(
            P("complainant", "吕某", "13900001121", fake_id_number("511025", "19800506", 372)),
            P("respondent", "施某", "13900001122", organization="示范区某某装饰工程有限公司"),
        ),
        resolution="人力社保局责令限期支付，调解员组织劳资双方协商，工资已全部结清。",
    ),
    # --- Resolved, waiting for feedback ---
    DemoCase(
        "phone-repair",
        "resolved",
        "consumer",
        "手机维修店以次充好拒绝退款",
        "来访人称在振兴路某维修店更换手机屏幕，使用一周即出现问题，怀疑是假货，店家拒绝退款。",
        6,
        source="walk_in",
        grid="ZXS-01",
        address="振兴路77号",
        contact=("何先生", "13900001131"),
        parties=(P("complainant", "何某", "13900001131"), P("respondent", "曹某", "13900001132")),
        resolution="市场监管局调解，店家同意退还维修费用。",
    ),
    DemoCase(
        "sunroom",
        "resolved",
        "illegal-building",
        "一楼住户院内搭建阳光房",
        "振兴社区2幢一楼住户在院内搭建阳光房并外扩，占用公共绿地。",
        20,
        grid="ZXS-01",
        address="振兴社区2幢",
        resolution="综合执法局认定为违章搭建，当事人已拆除外扩部分。",
    ),
    DemoCase(
        "fire-lane",
        "resolved",
        "hazard",
        "小区消防通道被车辆长期占用",
        "紫金凰小区北门消防通道被多辆私家车长期占用，一旦发生火情消防车无法进入。",
        4,
        grid="ZJH-02",
        urgency="urgent",
        address="紫金凰小区北门",
        resolution="应急管理局联合社区清理占用车辆，施划禁停标线并安装隔离桩。",
    ),
    DemoCase(
        "stairwell-clutter",
        "resolved",
        "neighbour",
        "楼道堆物引发邻里矛盾",
        "振兴社区8幢住户在楼道堆放旧家具，对门住户要求清理被拒，双方争执。",
        9,
        grid="ZXS-02",
        address="振兴社区8幢",
        parties=(P("complainant", "杨某", "13900001141"), P("respondent", "朱某", "13900001142")),
        resolution="调解员与社区上门劝导，堆放物已清理，双方握手言和。",
    ),
    DemoCase(
        "flooding",
        "resolved",
        "drainage",
        "雨后小区道路积水严重",
        "来电人反映每逢下雨桂花园小区南门道路积水深达20厘米，排水不畅。",
        10,
        source="12345",
        grid="GHY-01",
        address="桂花园小区南门",
        contact=("秦先生", "13900001151"),
        resolution="水利局疏通雨水管网并新增两处雨水口。",
    ),
    DemoCase(
        "courier-wages",
        "resolved",
        "wage",
        "快递网点拖欠快递员工资",
        "来电人称所在快递网点拖欠三个月工资，网点负责人失联。",
        11,
        source="12345",
        grid="ZXS-02",
        address="振兴路物流园",
        contact=("韩先生", "13900001161"),
        parties=(
            P("complainant", "韩某", "13900001161", fake_id_number("412726", "19950214", 189)),
            P("respondent", "孔某", organization="示范区某某快递网点"),
        ),
        resolution="人力社保局联系上级快递公司垫付工资，款项已到账。",
        late=True,
    ),
    # --- In progress ---
    DemoCase(
        "site-wages",
        "in_progress",
        "wage",
        "工地农民工讨薪",
        "丰乐路某工地十余名农民工反映包工头拖欠工资，工程已停工。",
        7,
        grid="FL-01",
        urgency="urgent",
        address="丰乐路工地",
        parties=(
            P("complainant", "曹某", "13900001171", fake_id_number("513030", "19760930", 457)),
            P("respondent", "马某", "13900001172"),
        ),
    ),
    DemoCase(
        "parking-space",
        "in_progress",
        "property",
        "小区停车位只租不售引发业主不满",
        "紫金凰小区业主反映物业公司将地下停车位只租不售并大幅涨租，业主集体不满。",
        5,
        grid="ZJH-01",
        address="紫金凰小区地下车库",
        parties=(P("respondent", "卫某", "13900001181", organization="示范区某某物业服务有限公司"),),
    ),
    DemoCase(
        "roof-extension",
        "in_progress",
        "illegal-building",
        "临街商铺屋顶违建",
        "四平台流转：振兴路临街商铺在屋顶违建钢结构房屋。",
        12,
        source="four-platforms",
        grid="ZXS-02",
        address="振兴路201号",
    ),
    DemoCase(
        "garage-odour",
        "in_progress",
        "pollution",
        "汽修店喷漆异味扰民",
        "来电人反映丰乐路某汽修店露天喷漆，刺鼻异味飘入居民楼。",
        6,
        source="12345",
        grid="FL-01",
        address="丰乐路33号",
        contact=("朱女士", "13900001191"),
    ),
    DemoCase(
        "child-visits",
        "in_progress",
        "family",
        "离婚后子女探望纠纷",
        "来访人称离婚后对方拒绝其按协议探望孩子，请求调解。",
        3,
        source="walk_in",
        grid="GHY-01",
        address="桂花园社区",
        contact=("江女士", "13900001201"),
        parties=(
            P("complainant", "江某", "13900001201", fake_id_number("330106", "19880717", 264)),
            P("respondent", "尤某", "13900001202"),
        ),
    ),
    DemoCase(
        "tutoring-refund",
        "in_progress",
        "consumer",
        "培训机构停课拒不退费",
        "来电人称某培训机构停课后拒不退费，涉及学员家长二十余人。",
        9,
        source="12345",
        grid="ZXS-01",
        address="振兴路99号",
        contact=("许女士", "13900001211"),
    ),
    DemoCase(
        "gas-pipe",
        "in_progress",
        "hazard",
        "老旧小区燃气管道锈蚀",
        "桂花园小区6幢外墙燃气管道锈蚀严重，居民闻到异常气味。",
        0.9,
        grid="GHY-01",
        urgency="urgent",
        address="桂花园小区6幢",
    ),
    DemoCase(
        "renovation-noise",
        "in_progress",
        "neighbour",
        "装修噪音扰民",
        "报警人称楼上住户周末及午休时间装修，噪音扰民，协商无果。",
        6,
        source="110",
        grid="ZJH-02",
        address="紫金凰小区10幢",
        contact=("尤先生", "13900001221"),
        parties=(P("complainant", "尤某", "13900001221"), P("respondent", "金某", "13900001222")),
        rework=1,
    ),
    DemoCase(
        "shopfront",
        "in_progress",
        "street-vending",
        "商铺出店经营占用人行道",
        "振兴路多家商铺出店经营，货物堆放在人行道上，行人被迫走机动车道。",
        1,
        grid="ZXS-02",
        address="振兴路150-168号",
    ),
    # --- Dispatched, waiting to be signed for ---
    DemoCase(
        "beauty-card",
        "dispatched",
        "consumer",
        "美容院预付卡余额被拒用",
        "来电人称美容院更换老板后拒绝承认原预付卡余额。",
        1,
        source="12345",
        grid="ZJH-01",
        address="紫金凰商业街12号",
        contact=("金女士", "13900001231"),
    ),
    DemoCase(
        "garage-dwelling",
        "dispatched",
        "illegal-building",
        "车库改建住人",
        "紫金凰小区15幢车库被改建为出租房，疑似违章搭建隔间。",
        0.5,
        grid="ZJH-02",
        address="紫金凰小区15幢车库",
    ),
    DemoCase(
        "corridor-ebike",
        "dispatched",
        "hazard",
        "电瓶车停放楼道堵塞安全出口",
        "四平台流转：丰乐小区多部电瓶车停放在楼道，堵塞安全出口。",
        0.06,
        source="four-platforms",
        grid="FL-01",
        urgency="urgent",
        address="丰乐小区3幢",
    ),
    DemoCase(
        "pet-droppings",
        "dispatched",
        "neighbour",
        "宠物粪便污染公共区域",
        "紫金凰小区住户遛狗不清理粪便，邻里之间多次争吵。",
        1.5,
        grid="ZJH-01",
        address="紫金凰小区中心花园",
        parties=(P("complainant", "秦某", "13900001241"), P("respondent", "尤某某", "13900001242")),
    ),
    DemoCase(
        "unlicensed-tutoring",
        "dispatched",
        "education",
        "居民楼内无证校外培训",
        "来电人反映振兴社区居民楼内有人开办校外培训班，无相关资质。",
        2,
        source="12345",
        grid="ZXS-01",
        address="振兴社区6幢",
        contact=("施女士", "13900001251"),
    ),
    DemoCase(
        "cleaner-wages",
        "dispatched",
        "wage",
        "保洁员被拖欠工资",
        "来访人称在某保洁公司工作半年，公司拖欠两个月工资。",
        0.8,
        source="walk_in",
        grid="GHY-01",
        address="桂花园社区",
        contact=("张阿姨", "13900001261"),
        parties=(
            P("complainant", "张某某", "13900001261", fake_id_number("330106", "19650302", 128)),
            P("respondent", "王某某", organization="示范区某某保洁服务有限公司"),
        ),
    ),
    # --- Accepted, waiting for dispatch ---
    DemoCase(
        "greenbelt-litter",
        "accepted",
        "sanitation",
        "绿化带内乱扔垃圾",
        "丰乐社区沿河绿化带内堆积大量生活垃圾。",
        0.3,
        grid="FL-01",
        address="丰乐社区沿河绿化带",
    ),
    DemoCase(
        "fee-increase",
        "accepted",
        "property",
        "物业费上涨未经业主大会",
        "来电人称物业公司未经业主大会表决上调物业费。",
        0.6,
        source="12345",
        grid="ZXS-02",
        address="振兴社区",
        contact=("吴先生", "13900001271"),
    ),
    DemoCase(
        "night-works",
        "accepted",
        "pollution",
        "夜间施工噪声扰民",
        "报警人称附近工地夜间施工噪声扰民至凌晨。",
        0.4,
        source="110",
        grid="GHY-01",
        address="桂花园路工地",
        contact=("郑先生", "13900001281"),
    ),
    DemoCase(
        "takeaway-licence",
        "accepted",
        "food-safety",
        "外卖店无证经营",
        "四平台流转：某外卖店无证经营，后厨卫生条件差。",
        1.2,
        source="four-platforms",
        grid="ZXS-01",
        address="振兴路45号",
    ),
    # --- Reported, waiting for acceptance ---
    DemoCase(
        "stairwell-boxes",
        "reported",
        "neighbour",
        "楼道堆物堵塞通行",
        "振兴社区1幢楼道堆物较多，住户之间互相指责。",
        0.05,
        grid="ZXS-01",
        address="振兴社区1幢",
    ),
    DemoCase(
        "barber-wages",
        "reported",
        "wage",
        "理发店员工欠薪",
        "来电人称理发店老板拖欠提成工资约8000元。",
        0.15,
        source="12345",
        grid="ZXS-02",
        address="振兴路118号",
        contact=("卫先生", "13900001291"),
    ),
    DemoCase(
        "blocked-exit",
        "reported",
        "hazard",
        "商场消防通道上锁",
        "桂花园商场后侧消防通道被上锁，网格员巡查发现。",
        0.02,
        grid="GHY-01",
        urgency="urgent",
        address="桂花园商场",
    ),
    DemoCase(
        "suspicious",
        "reported",
        "public-order",
        "小区可疑人员徘徊",
        "报警人称近日有可疑人员在小区内挨家挨户查看门锁。",
        0.4,
        source="110",
        grid="ZJH-02",
        address="紫金凰小区",
        contact=("蒋女士", "13900001301"),
    ),
    DemoCase(
        "disability-aid",
        "reported",
        "social-aid",
        "残疾人家庭申请低保",
        "来访人称家中有一名残疾人，收入低，申请低保。",
        1.3,
        source="walk_in",
        grid="FL-01",
        address="丰乐社区",
        contact=("沈某", "13900001311"),
        parties=(P("complainant", "沈某", "13900001311", fake_id_number("330106", "19700828", 391)),),
    ),
    # --- Rejected ---
    DemoCase(
        "private-loan",
        "rejected",
        "",
        "民间借贷纠纷要求追讨欠款",
        "来电人称朋友借款5万元逾期不还，要求工作站帮助追讨。",
        14,
        source="12345",
        contact=("毛先生", "13900001321"),
        reject_reason="属于民间借贷纠纷，不属于本站受理范围，已引导来电人向人民法院起诉。",
    ),
    DemoCase(
        "other-district",
        "rejected",
        "sanitation",
        "邻街道道路垃圾堆积",
        "四平台流转：道路垃圾堆积，经核实地点位于相邻街道。",
        8,
        source="four-platforms",
        address="和平街道和平路",
        reject_reason="事发地点不在本站辖区，已退回四平台改派和平街道。",
    ),
    DemoCase(
        "policy-question",
        "rejected",
        "",
        "咨询灵活就业社保缴费政策",
        "来电人咨询灵活就业人员社保缴费基数和办理流程。",
        3,
        source="12345",
        contact=("褚女士", "13900001331"),
        reject_reason="属于政策咨询，已当场电话答复，无需立案。",
    ),
    # --- Merged into an earlier case ---
    DemoCase(
        "story-duplicate",
        "merged",
        "neighbour",
        "紫金凰小区空调外机噪音扰民",
        "来电人反映紫金凰小区3幢楼上空调外机夜间噪音大、滴水，与楼上住户协商未果。",
        3,
        source="12345",
        grid="ZJH-01",
        address="紫金凰小区3幢",
        contact=("张先生", "13900001001"),
        duplicate_of=STORY_KEY,
    ),
    DemoCase(
        "fire-lane-duplicate",
        "merged",
        "hazard",
        "紫金凰小区北门消防通道堵塞",
        "报警人称紫金凰小区北门消防通道停满车辆。",
        3.9,
        source="110",
        grid="ZJH-02",
        address="紫金凰小区北门",
        contact=("熊先生", "13900001341"),
        duplicate_of="fire-lane",
    ),
]

# Joint mediation (联合调处): where it meets, who comes besides the departments, and the story's round 1.
MEDIATION_PLACE = "振兴基层治理联动工作站联合调处室"
STORY_ROUND_ONE_MINUTES = (
    "第一轮联合调处。张某要求李某将空调外机移至不影响卧室的位置，并加装冷凝水管；李某称安装位置经小区同意，"
    "不同意移机，但愿意加装冷凝水管。综合执法队员现场核实外机未占用公共部位，噪音是否超标需专业检测；民警到场"
    "维持秩序并开展法治宣传。双方同意待噪音检测结果出来后再次调处。"
)
# Round 1 came to a partial agreement (部分达成): what was agreed so far.
STORY_ROUND_ONE_AGREED = "李某同意加装冷凝水管；是否移机待噪音检测结果出来后再次调处。"
MEDIATION_ELDER = ("周伯明", "紫金凰社区老娘舅工作室")
MEDIATION_LAWYER = ("钱律师", "示范区公共法律服务中心")

# A leader's manual supervision (挂牌督办) of one case, with the department's reply.
MANUAL_SUPERVISION = (
    "site-wages",
    "农民工欠薪事关群众切身利益和社会稳定，请人力社保局加快处置，三个工作日内报告结果。",
    "已约谈施工总包单位，督促其先行垫付工资，预计本周内发放到位。",
)

FEEDBACK_COMMENTS = {
    "satisfied": ("处理及时，很满意。", "问题已解决，感谢工作站。", "办事效率高，满意。"),
    "basic": ("基本解决，希望后续加强巡查。", "处理结果可以接受，但用时稍长。"),
    "dissatisfied": ("问题反复出现，未彻底解决，要求继续处理。",),
}
