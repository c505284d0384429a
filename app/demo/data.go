package demo

// Books of the demo library: well-known Chinese and English titles, with the
// top-level 中图法 class and a Dewey number so classification reports have
// something to show. ISBNs are made up (valid check digits, 978-7-900 and
// 978-0-900 prefixes that no real publisher holds).
var books = []struct {
	title, author, publisher, year, clc, dewey string
	lang                                       string
	subjects                                   []string
}{
	{"西游记", "吴承恩", "人民文学出版社", "1980", "I242.4", "895.13", "chi", []string{"古典小说", "神话"}},
	{"红楼梦", "曹雪芹", "人民文学出版社", "1982", "I242.4", "895.13", "chi", []string{"古典小说"}},
	{"三国演义", "罗贯中", "人民文学出版社", "1973", "I242.4", "895.13", "chi", []string{"古典小说", "历史"}},
	{"水浒传", "施耐庵", "人民文学出版社", "1975", "I242.4", "895.13", "chi", []string{"古典小说"}},
	{"呐喊", "鲁迅", "人民文学出版社", "1973", "I210.6", "895.13", "chi", []string{"短篇小说"}},
	{"朝花夕拾", "鲁迅", "人民文学出版社", "1979", "I210.4", "895.14", "chi", []string{"散文"}},
	{"骆驼祥子", "老舍", "人民文学出版社", "2000", "I246.5", "895.13", "chi", []string{"现代小说"}},
	{"边城", "沈从文", "北岳文艺出版社", "2002", "I246.5", "895.13", "chi", []string{"现代小说"}},
	{"围城", "钱钟书", "人民文学出版社", "1991", "I246.5", "895.13", "chi", []string{"现代小说"}},
	{"活着", "余华", "作家出版社", "2012", "I247.5", "895.13", "chi", []string{"当代小说"}},
	{"平凡的世界", "路遥", "北京十月文艺出版社", "2012", "I247.5", "895.13", "chi", []string{"当代小说"}},
	{"草房子", "曹文轩", "江苏少年儿童出版社", "2008", "I287.45", "895.13", "chi", []string{"儿童文学"}},
	{"小王子", "圣埃克苏佩里", "人民文学出版社", "2003", "I565.88", "843.912", "chi", []string{"儿童文学", "童话"}},
	{"安徒生童话", "安徒生", "人民文学出版社", "2005", "I534.88", "839.8136", "chi", []string{"童话"}},
	{"格林童话", "格林兄弟", "人民文学出版社", "2004", "I516.88", "398.2", "chi", []string{"童话"}},
	{"十万个为什么：天文", "少年儿童出版社", "少年儿童出版社", "2013", "Z228.1", "520", "chi", []string{"科普", "天文"}},
	{"十万个为什么：动物", "少年儿童出版社", "少年儿童出版社", "2013", "Z228.1", "590", "chi", []string{"科普", "动物"}},
	{"昆虫记", "法布尔", "作家出版社", "2010", "Q96-49", "595.7", "chi", []string{"科普", "昆虫"}},
	{"时间简史", "霍金", "湖南科学技术出版社", "2010", "P159-49", "523.1", "chi", []string{"宇宙学"}},
	{"万物简史", "比尔·布莱森", "接力出版社", "2005", "N49", "500", "chi", []string{"科普"}},
	{"中国通史", "吕思勉", "中华书局", "2015", "K20", "951", "chi", []string{"历史"}},
	{"史记故事", "司马迁", "中华书局", "2008", "K204.2", "931", "chi", []string{"历史"}},
	{"唐诗三百首", "蘅塘退士", "中华书局", "2016", "I222.742", "895.11", "chi", []string{"诗歌"}},
	{"宋词三百首", "上彊村民", "中华书局", "2016", "I222.844", "895.11", "chi", []string{"诗歌"}},
	{"论语译注", "杨伯峻", "中华书局", "2009", "B222.2", "181.112", "chi", []string{"哲学", "儒家"}},
	{"新华字典", "中国社会科学院语言研究所", "商务印书馆", "2011", "H163", "495.13", "chi", []string{"字典"}},
	{"现代汉语词典", "中国社会科学院语言研究所", "商务印书馆", "2016", "H164", "495.13", "chi", []string{"词典"}},
	{"数学家的故事", "李毓佩", "湖北少年儿童出版社", "2014", "K816.11", "510.92", "chi", []string{"数学", "传记"}},
	{"中国少年儿童百科全书", "林崇德", "浙江教育出版社", "2010", "Z228.1", "031", "chi", []string{"百科全书"}},
	{"乡土中国", "费孝通", "北京大学出版社", "2012", "C912.82", "306.0951", "chi", []string{"社会学"}},
	{"Pride and Prejudice", "Jane Austen", "Penguin Classics", "2003", "I561.44", "823.7", "eng", []string{"Fiction", "Courtship"}},
	{"Jane Eyre", "Charlotte Brontë", "Penguin Classics", "2006", "I561.44", "823.8", "eng", []string{"Fiction"}},
	{"Oliver Twist", "Charles Dickens", "Penguin Classics", "2003", "I561.44", "823.8", "eng", []string{"Fiction", "Orphans"}},
	{"Alice's Adventures in Wonderland", "Lewis Carroll", "Macmillan", "2015", "I561.88", "823.8", "eng", []string{"Children's stories", "Fantasy"}},
	{"The Adventures of Tom Sawyer", "Mark Twain", "Penguin Classics", "2006", "I712.44", "813.4", "eng", []string{"Fiction", "Boys"}},
	{"Treasure Island", "Robert Louis Stevenson", "Penguin Classics", "2012", "I561.44", "823.8", "eng", []string{"Adventure stories", "Pirates"}},
	{"The Wind in the Willows", "Kenneth Grahame", "Oxford University Press", "2010", "I561.88", "823.912", "eng", []string{"Animals", "Children's stories"}},
	{"Little Women", "Louisa May Alcott", "Penguin Classics", "1989", "I712.44", "813.4", "eng", []string{"Fiction", "Sisters"}},
	{"Frankenstein", "Mary Shelley", "Penguin Classics", "2003", "I561.44", "823.7", "eng", []string{"Science fiction"}},
	{"The Origin of Species", "Charles Darwin", "Penguin Classics", "2009", "Q111.2", "576.8", "eng", []string{"Evolution", "Natural selection"}},
	{"A Brief History of Time", "Stephen Hawking", "Bantam", "1998", "P159", "523.1", "eng", []string{"Cosmology"}},
	{"The Story of Art", "E. H. Gombrich", "Phaidon", "1995", "J110.9", "709", "eng", []string{"Art history"}},
	{"Charlotte's Web", "E. B. White", "HarperCollins", "2012", "I712.85", "813.52", "eng", []string{"Children's stories", "Pigs", "Spiders"}},
	{"Robinson Crusoe", "Daniel Defoe", "Penguin Classics", "2003", "I561.44", "823.5", "eng", []string{"Adventure stories", "Castaways"}},
	{"Gulliver's Travels", "Jonathan Swift", "Penguin Classics", "2003", "I561.44", "823.5", "eng", []string{"Satire", "Voyages"}},
	{"Oxford Children's Dictionary", "Oxford Dictionaries", "Oxford University Press", "2018", "H316", "423", "eng", []string{"Dictionaries"}},
}

var magazines = []struct{ title, publisher string }{
	{"少年文艺", "少年儿童出版社"},
	{"我们爱科学", "中国少年儿童新闻出版总社"},
	{"National Geographic Kids", "National Geographic"},
}

var surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")

var givenNames = []string{
	"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "霞", "平",
	"刚", "桂英", "子涵", "欣怡", "梓涵", "晨曦", "浩然", "宇轩", "思远", "雨桐", "一诺", "子轩", "诗涵", "俊杰", "佳怡", "博文",
	"梓萱", "若曦", "嘉懿", "皓轩", "喆", "堃", "昇", "晓东", "文博", "天佑", "欣妍", "语桐", "铭泽", "可馨",
}

var englishNames = []string{
	"Emma Clarke", "Oliver Smith", "Amelia Jones", "Jack Taylor", "Isla Brown", "Harry Wilson", "Ava Evans",
	"Noah Thomas", "Mia Roberts", "Leo Walker",
}

var grades = []string{"一年级", "二年级", "三年级", "四年级", "五年级", "六年级"}
