# Plaza UI strings: English. Every key here must also exist in zh-CN/plaza.ftl (a test checks).

## Layout
skip-to-content = Skip to content
nav-label = Main
nav-account-label = Your account
nav-company-blog = Company blog
nav-blogs = Blogs
nav-tags = Tags
nav-notifications = Notifications
nav-following = Following
nav-admin = Admin
nav-settings = Settings
nav-logout = Log out
nav-login = Log in
nav-menu = Menu
nav-menu-close = Close menu
nav-profile = Your profile
nav-register = Sign up
unread-count = { $count ->
    [one] { $count } unread notification
   *[other] { $count } unread notifications
}
footer-language = Language:
footer-feed = Atom feed
footer-sitemap = Sitemap
footer-powered = Powered by Plaza
pager-label = Pages
pager-newer = Newer
pager-older = Older
pager-position = Page { $page } of { $pages }
form-has-errors = Please correct the problems marked below. Nothing you typed has been lost.
form-cancel = Cancel

## Badges and roles
badge-staff = Staff
badge-staff-title = Works for the company
badge-moderator = Moderator
role-member = Member
role-employee = Employee
role-moderator = Moderator
role-admin = Admin
role-editor = Magazine editor

## Errors
error-title-400 = Bad request
error-title-403 = Not allowed
error-title-404 = Page not found
error-title-413 = Too large
error-title-429 = Too many requests
error-title-500 = Something went wrong
error-not-found = There is nothing at this address. It may have been moved or deleted.
error-forbidden = You do not have permission to do that.
error-csrf = This form has expired or did not come from this site. Go back, reload the page and try again.
error-bad-request = The request could not be understood.
error-too-large = What you sent is larger than this site accepts.
error-internal = An unexpected error happened on our side. It has been logged; please try again in a moment.
error-unavailable = The site is temporarily unavailable. Please try again in a moment.
error-home-link = Go to the home page
error-request-id = Request id: { $id } (quote it when you report this problem)

## Home
home-tagline = News, tips and conversations between the company and its customers.
home-company-news = Company news
home-from-staff = From our staff
home-from-community = From the community
home-no-posts = Nothing here yet.
home-popular-tags = Popular tags
home-all-tags = All tags
home-subscribe = Subscribe
home-all-blogs = All blogs

## Accounts
setup-title = Set up your site
setup-intro = Create the first administrator account. You can invite employees and grant blogs afterwards.
setup-submit = Create administrator
register-title = Create an account
register-submit = Sign up
register-have-account = Already have an account?
login-title = Log in
login-submit = Log in
login-no-account = New here?
field-username = Username
field-email = E-mail
field-password = Password
field-login = Username or e-mail
field-display-name = Display name
field-bio = About you
field-language = Language
field-old-password = Current password
field-new-password = New password
field-confirm-password = Repeat new password
hint-username = 3 to 32 letters, digits, _ or -. Chinese characters are fine.
hint-password = At least 10 characters. Avoid common passwords and your username.
hint-markdown = Markdown is supported.
language-auto = Automatic (from your browser)
settings-title = Settings
settings-profile = Profile
settings-save = Save
settings-saved = Saved.
settings-password = Password
settings-change-password = Change password
password-changed = Your password has been changed. Other sessions have been logged out.
settings-sessions = Sessions
settings-session-count = { $count ->
    [one] You are logged in on { $count } device or browser.
   *[other] You are logged in on { $count } devices or browsers.
}
settings-logout-all = Log out everywhere
profile-joined = Joined { $date }
profile-suspended = This account is suspended.
profile-blog = Read { $title }
profile-posts = Posts
profile-comments = Recent comments
err-username-empty = Choose a username.
err-username-short = The username must have at least 3 characters.
err-username-long = The username can have at most 32 characters.
err-username-chars = Use only letters, digits, _ and -, starting with a letter or digit.
err-username-reserved = That username is reserved. Please choose another.
err-username-taken = That username is taken.
err-email-empty = Enter your e-mail address.
err-email-invalid = That does not look like an e-mail address.
err-email-taken = An account with this e-mail address already exists.
err-password-empty = Choose a password.
err-password-short = The password must have at least 10 characters.
err-password-long = The password can have at most 256 characters.
err-password-weak = That password is too easy to guess. Avoid common passwords, repeated characters and your username.
err-password-mismatch = The two new passwords do not match.
err-old-password = The current password is not correct.
err-login-wrong = The username or password is not correct.
err-login-suspended = This account is suspended. It has no end date.
err-login-locked = Too many failed attempts. Try again in { $minutes } minutes.
err-display-name-long = The display name can have at most 50 characters.
err-display-name-chars = The display name cannot contain control characters.
err-bio-long = The text about you can have at most 2000 characters.
err-locale = Choose one of the listed languages.

## Admin
admin-users-title = People
admin-search-label = Search people
admin-search-placeholder = Username, name or e-mail
admin-role-filter = Role
admin-all-roles = All roles
admin-search = Search
admin-user-count = { $count ->
    [one] { $count } person
   *[other] { $count } people
}
admin-role = Role
admin-blog = Blog
admin-status = Status
admin-change-role = Change
admin-view-blog = View blog
admin-grant-blog = Grant community blog
admin-suspend = Suspend
admin-suspend-confirm = Suspend this account? All of its sessions end at once.
admin-suspended-label = Suspended
admin-reinstate = Reinstate
admin-no-users = Nobody matches this search.
admin-role-changed = The role has been changed.
admin-suspended = The account has been suspended and logged out everywhere.
admin-reinstated = The account has been reinstated.
admin-blog-granted = The community blog has been created.
admin-not-self = You cannot demote or suspend your own account.
err-role = Unknown role.

## Blogs
nav-directory = Blogs
directory-title = Blogs
directory-intro = The company blog, our employees' blogs and the community's opinion leaders.
directory-staff = Staff blogs
directory-community = Community blogs
directory-none = No blogs yet.
directory-last-post = last post { $date }
blog-kind-enterprise = Company blog
blog-kind-staff = Staff blog
blog-kind-community = Community blog
post-count = { $count ->
    [one] { $count } post
   *[other] { $count } posts
}
blog-new-post = Write a post
blog-settings = Blog settings
blog-settings-title = Settings of { $title }
blog-posts = Posts
blog-no-posts = No posts yet.
blog-authors = Authors
blog-no-authors = No authors yet.
blog-publisher = Published by { $site }
blog-blogroll = Blogroll
blog-authors-intro = Employees listed here may publish on the company blog.
blog-add-author = Add author
blog-remove-author = Remove
field-blog-title = Title
field-description = Description
field-blogroll = Blogroll
hint-blogroll = One link per line: Title | https://example.com (or a path on this site such as /blogs/alice).
err-blog-title-empty = Give the blog a title.
err-blog-title-long = A blog title can have at most 100 characters.
err-description-long = The description can have at most 500 characters.
err-blogroll-line = Each blogroll line needs a title, a "|" and a link.
err-blogroll-url = Blogroll links must start with http://, https:// or /.
err-blogroll-many = A blogroll can have at most 50 links.
err-author-unknown = There is no user with that username.
err-author-not-staff = Only employees can write on the company blog. Change their role first.

## Posts
post-draft = Draft
post-by = By
post-updated = Updated
post-edit = Edit
post-delete = Delete
post-delete-confirm = Delete this post? Readers will no longer find it.
post-cited-by = Cited by
post-comments-feed = Follow the comments (Atom)
editor-new-title = New post
editor-edit-title = Edit “{ $title }”
editor-edit-heading = Edit post
editor-preview-heading = Preview
editor-more = Slug, excerpt and cover image
editor-save = Save
editor-preview = Preview
field-title = Title
field-body = Text
field-tags = Tags
field-slug = Address (slug)
field-excerpt = Excerpt
field-cover-url = Cover image URL
field-status = Status
field-comments-enabled = Allow comments
status-published = Published
status-draft = Draft (only you can see it)
hint-markdown-full = Markdown: **bold**, *italic*, [links](https://…), tables, task lists (- [ ]), ~~strikethrough~~, footnotes ([^1]) and ``` code blocks.
hint-tags = Separate tags with commas, e.g. support, 技术支持.
hint-slug = Leave empty to make it from the title. Old addresses keep working after a change.
hint-excerpt = Shown in lists and feeds. Leave empty to use the start of the text.
err-title-empty = A title is needed.
err-title-long = The title can have at most 200 characters.
err-title-chars = The title cannot contain control characters.
err-body-empty = Write some text first: it is empty.
err-body-long = The text can have at most 100,000 characters.
err-slug-invalid = Use lowercase letters, digits and single hyphens (Chinese characters are fine), at most 80 characters.
err-excerpt-long = The excerpt can have at most 500 characters.
err-url-invalid = Enter a full http:// or https:// address.
err-status = Choose published or draft.

## Comments
comment-count = { $count ->
    [0] No comments yet
    [one] { $count } comment
   *[other] { $count } comments
}
comment-add = Add a comment
comment-submit = Post comment
comment-reply = Reply
comment-your-reply = Your reply
comment-your-comment = Your comment
comment-submit-reply = Post reply
comment-login = Log in to comment
comment-edit = Edit
comment-edit-title = Edit comment
comment-save = Save comment
comment-edited = edited
comment-delete = Delete
comment-delete-confirm = Delete this comment?
comment-deleted = This comment was deleted.
comments-closed = Comments are closed for this post.
err-comment-empty = The comment is empty.
err-comment-long = A comment can have at most 20,000 characters.
err-comments-closed = Comments are closed for this post. Your text is kept below so you can copy it.
err-comment-edit-closed = This comment can no longer be edited. Your text is kept below so you can copy it.

## Tags
tags-title = Tags
tags-intro = Every topic on the site, from blog posts today to forums and the magazine tomorrow.
tags-none = No tags yet.
tag-title = Tagged “{ $tag }”
tag-count = { $count ->
    [one] { $count } post
   *[other] { $count } posts
}
tag-topic-count = { $count ->
    [one] { $count } forum topic
   *[other] { $count } forum topics
}
tag-uses = { $count ->
    [one] used once
   *[other] used { $count } times
}
tag-follow = Follow this tag
tag-unfollow = Unfollow
tag-login-to-follow = Log in to follow this tag
tag-empty = Nothing carries this tag yet.
err-tag-chars = Tags can use letters, digits, spaces and - + # . only.
err-tag-long = A tag can have at most 32 characters.
err-tags-many = Use at most 10 tags.
following-title = Following
following-none = You do not follow any tags yet.
following-browse = Browse tags
following-tags = New posts from the tags you follow:
following-no-posts = Nothing new in the tags you follow.

## Feeds
feed-all-posts = All posts
feed-atom = Atom feed
feed-rss = RSS feed
feed-comments-on = Comments on “{ $title }”
feed-comment-by = Comment by { $author }

## Notifications
notifications-title = Notifications
notifications-mark-all = Mark all as read
notifications-none = No notifications yet.
notifications-new = New
notifications-view = View
notif-comment = { $actor } commented on your post
notif-reply = { $actor } replied to your comment
notif-other = { $actor } did something

## Forums
nav-forums = Forums
nav-admin-forums = Boards
forums-title = Forums
forums-intro = Ask questions, share reviews and ideas, and talk with other customers and our staff.
forums-none = No boards yet.
forums-other = Other boards
forums-board = Board
forums-topics = Topics
forums-posts = Posts
forums-latest = Latest
board-kind-discussion = Discussion
board-kind-questions = Questions
board-kind-reviews = Reviews
board-kind-ideas = Ideas
access-everyone = Everyone
access-members = Members
access-employees = Employees only
board-follow = Follow this board
board-unfollow = Unfollow board
board-filters = Filter topics
board-empty = No topics yet. Start the first one!
board-no-more = No older topics.
board-staff-only-posting = Only employees start topics here; everyone can reply.
board-median-response = Median time to the first staff answer (last 30 days): { $duration }
board-median-none = No staff answers in the last 30 days yet.
board-waiting = { $count ->
    [one] { $count } question waiting for staff
   *[other] { $count } questions waiting for staff
}
filter-all = All
filter-unanswered = Unanswered
filter-answered = Answered
filter-tag = Tag: { $tag }
filter-clear = Show all
pager-newest = Newest
duration-minutes = { $minutes } min
duration-hours-minutes = { $hours } h { $minutes } min
duration-days-hours = { $days } d { $hours } h
topic-start = Start a topic
topic-login-to-start = Log in to take part
topic-edit-title = Edit topic
topic-submit = Post topic
topic-pinned = Pinned
topic-locked = Locked
topic-answered = Answered
topic-unanswered = Unanswered
topic-active = active
topic-follow = Follow
topic-unfollow = Unfollow
topic-pin = Pin
topic-unpin = Unpin
topic-lock = Lock
topic-unlock = Unlock
topic-delete-confirm = Delete this topic and hide its replies?
topic-locked-notice = This topic is locked: it accepts no new replies.
topic-feed = Follow the replies (Atom)
reply-count = { $count ->
    [0] No replies
    [one] { $count } reply
   *[other] { $count } replies
}
view-count = { $count ->
    [one] { $count } view
   *[other] { $count } views
}
like-count = { $count ->
    [one] { $count } like
   *[other] { $count } likes
}
like = Like
unlike = Unlike
reply-quote = Quote
reply-quote-wrote = wrote
reply-your-reply = Your reply
reply-submit = Post reply
reply-login = Log in to reply
reply-deleted = This reply was deleted.
reply-delete-confirm = Delete this reply?
reply-edit-title = Edit reply
post-edited = edited
staff-answer = Staff answer
accepted-answer = Accepted answer
accepted-jump = see it in the discussion
accept-mark = Mark as the answer
accept-clear = Unmark as the answer
hint-reply = Markdown is supported. Mention someone with @username.
hint-mentions = Mention someone with @username.
hint-history = Earlier versions stay visible in the edit history.
history-title = Edit history of “{ $title }”
history-back = Back to the discussion
history-current = Current version
history-version = Earlier version
history-replaced-by = replaced by { $user }
history-none = This has not been edited.
feed-replies-to = Replies to “{ $title }”
feed-reply-by = Reply by { $author }
err-topic-locked = This topic is locked: it accepts no new replies. Your text is kept below so you can copy it.
err-forum-body-long = The text can have at most 50,000 characters.
err-like-own = You cannot like what you wrote yourself.
forums-admin-title = Boards
board-new-heading = New board
board-edit-heading = Edit board “{ $name }”
field-board-name = Name
field-board-kind = Kind
field-board-group = Section
field-view-access = Who can read
field-post-access = Who can start topics
field-position = Order
field-group-name = Section name
hint-board-slug = The address: /forums/… Leave empty to make it from the name.
hint-board-kind-fixed = The kind of a board cannot change once it exists.
group-heading = Sections
group-add = Add section
err-board-name-empty = Give the board a name.
err-board-name-long = A name can have at most 80 characters.
err-board-kind = Choose one of the kinds.
err-board-access = Choose one of the listed options.
err-board-group = Choose one of the sections.
err-board-slug-taken = Another board already has this address.
err-position = The order must be a whole number.
err-group-name-empty = Give the section a name.
notif-topic-reply = { $actor } replied to your topic
notif-followed-reply = { $actor } replied in a topic you follow
notif-new-topic = { $actor } started a topic in a board you follow
notif-quote = { $actor } quoted you in { $what }
notif-mention = { $actor } mentioned you in { $what }
notif-accepted = { $actor } accepted your answer
notif-idea-status = { $actor } changed the status of an idea you follow to “{ $detail }”
notif-response = { $actor } responded officially to your review
notif-edit-accepted = { $actor } accepted your edit of “{ $detail }”
notif-edit-rejected = { $actor } did not accept your edit of “{ $detail }”
profile-topics = Forum topics
profile-replies = Forum replies
profile-accepted = { $count ->
    [one] { $count } accepted answer
   *[other] { $count } accepted answers
}
profile-likes = { $count ->
    [one] { $count } like received
   *[other] { $count } likes received
}
tag-topics = Forum topics

## Reviews and ideas
products-title = Products
products-none = No products yet.
product-title = Reviews of { $name }
product-summary = Average rating { $average } out of 5 from { $count } reviews.
product-add = Add product
field-product-name = Product name
field-product = Product
choose-product = Choose a product…
field-rating = Your rating
stars-n = { $count ->
    [one] { $count } star
   *[other] { $count } stars
}
rating-label = Rated { $rating } out of 5
rating-summary = Rating
rating-distribution = How many reviews gave each number of stars
review-count = { $count ->
    [one] { $count } review
   *[other] { $count } reviews
}
review-sort = Sort reviews
sort-newest = Newest
sort-highest = Highest rated
sort-lowest = Lowest rated
sort-votes = Most votes
review-none = No reviews yet.
review-write = Write a review
review-yours = Your review
review-login = Log in to write a review
review-of = a review of
review-has-response = Official response
review-edit-first = Edit your review instead
response-title = Official response
response-write = Respond for the company
response-body = Response
response-submit = Publish response
err-review-product = Choose the product you are reviewing.
err-review-rating = Choose a rating from 1 to 5 stars.
err-review-exists = You have already reviewed this product; each member reviews a product once.
err-response-exists = This review already has an official response.
err-product-name-empty = Give the product a name.
err-product-slug-taken = Another product of this board already has this address.
ideas-title = Ideas
vote = Vote for this idea
vote-withdraw = Withdraw my vote
vote-login = Log in to vote
votes-short = votes
vote-count = { $count ->
    [one] { $count } vote
   *[other] { $count } votes
}
idea-by = by { $author }
idea-history = Status updates
idea-merged = This idea was merged into:
idea-change-status = Change status
field-idea-status = Status
field-status-note = Public note
field-duplicate-of = Duplicate of (for Duplicate)
hint-duplicate-of = The other idea's number or address. Votes and followers move to it.
err-idea-status = Choose one of the statuses.
err-note-long = The note can have at most 5,000 characters.
err-duplicate-target = Give the number or address of another idea on this board.
err-vote-own = You cannot vote for your own idea.
err-accept-hidden = A hidden reply cannot be marked as the answer; show it again first.
err-vote-closed = This idea is closed for voting.
adopted-title = Adopted ideas: { $board }
adopted-intro = Ideas from customers that we adopted, and what became of them.
adopted-none = No adopted ideas yet.
adopted-note = What we did
adopted-link = Adopted ideas
feed-idea-status = Idea status changes: { $board }
field-email-notifications = E-mail me a copy of my notifications
mail-footer = You receive this because you asked for e-mail notifications. Change it in your settings:
statuses-heading = Idea statuses
status-closed = closed to votes
status-default = for new ideas
field-status-en = Name in English
field-status-zh = Name in Chinese
field-status-closed = Closed: ideas with this status take no new votes
status-add = Add status
err-status-def = Give the status an English name (at most 40 characters) and a whole-number order.
err-status-exists = A status with this name already exists.
home-forums = In the forums
topic-start-questions = Ask a question
topic-start-reviews = Write a review
topic-start-ideas = Suggest an idea
error-title-401 = Please log in again
error-logged-out = Your session ended before this was sent, so it was not saved. Log in again, then paste your text back.
error-kept-text = What you typed (copy it before leaving this page):

## search
search-form-label = Search with filters
search-label = Search the site
search-placeholder = Search…
search-button = Search
search-title = Search
search-title-for = Search: { $query }
search-filters = Filters
search-filters-active = { $count ->
    [one] { $count } active
   *[other] { $count } active
}
search-this-board = Search this board
search-filter-kind = Kind
search-kind-any = Everything
search-kind-post = Blog post
search-kind-comment = Comment
search-kind-topic = Forum topic
search-kind-reply = Forum reply
search-kind-question = Question
search-kind-review = Review
search-kind-idea = Idea
search-kind-person = Person
search-filter-place = Blog or board
search-place-any = Anywhere
search-filter-author = Author (user name)
search-filter-tag = Tag
search-filter-from = From
search-filter-to = To
search-filter-sort = Sort by
search-sort-label = Sort by:
search-sort-relevance = Relevance
search-sort-newest = Newest
search-apply = Apply filters
search-clear-filters = Clear filters
search-empty = Type a word or two to search posts, comments, forum topics, replies and people. Use "quotes" for a phrase and -word to leave a word out.
search-only-exclusions = A search cannot consist only of words to leave out (-word). Add a word to look for.
search-no-words = There is nothing to search for in that: use letters or numbers.
search-fix-filters = Some filters are not valid; each is marked in the filters below. Nothing was searched yet.
search-unknown-author = No one here has the user name “{ $value }”.
search-unknown-tag = There is no tag “{ $value }”.
search-no-results-hint = Check the spelling or remove that filter.
search-truncated = Your search was long, so only its beginning was used.
search-fallback = The full search service is not answering right now, so these results come from the basic search. They may be ranked a little differently.
search-count = { $count ->
    [0] No results
    [one] { $count } result
   *[other] { $count } results
}
search-count-more = More than { $count } results
search-none = Nothing matched “{ $query }”.
search-none-remove-filters = Search again without filters
search-none-hint = Try fewer or different words.
search-prev = Previous
search-next = Next
search-page = Page { $page }
search-reply-to = Re: { $title }
search-feed-title = Search: { $query }
search-feed-description = The newest posts, topics and replies matching “{ $query }”
search-opensearch-description = Search { $site }
err-search-kind = Choose one of the kinds in the list.
err-search-sort = Sort by relevance or by newest.
err-search-date = Enter a date as YYYY-MM-DD.
err-search-date-order = The end date is before the start date.
err-search-place = Choose a blog or board from the list.

## One policy: roles, groups, hidden content, access
access-named = Only the roles and groups ticked below
access-all-readers = Every logged-in member who can read it
access-admins = Admins only
access-restricted = Restricted
access-manage-groups = Manage member groups
hint-access-named = Admins can always read and post. Ticked roles and groups apply when "Only the roles and groups ticked below" is chosen.
err-board-access-named = Tick at least one role or group, or choose another option.
admin-roles-of = Roles of { $name }
admin-groups-link = Member groups
content-hidden = Hidden: only its author and the moderators see it
content-hide = Hide
content-unhide = Show again
groups-title = Member groups
groups-intro = Groups such as “Enterprise customers” or “Beta testers”. A board can be opened to chosen groups; members see their groups in their settings.
groups-none = No groups yet. Create the first one below.
group-new = New group
group-create = Create group
group-members = Members
group-title = Group: { $name }
group-edit = Name and description
group-delete = Delete group
group-delete-confirm = Delete this group? Boards open only to it become visible to admins only, and its members stop following what they can no longer read.
group-deleted = The group has been deleted.
group-add-member = Add
group-remove-member = Remove
group-member-added = Added to the group.
group-member-removed = Removed from the group.
group-no-members = Nobody is in this group yet.
group-added-on = added { $date }
group-member-count = { $count ->
    [one] One member
   *[other] { $count } members
}
field-member-group-name = Group name
err-group-name-long = Keep the group's name to 60 characters.
err-group-name-chars = The name cannot contain control characters.
err-group-name-taken = Another group already has this name.
settings-groups = Your groups
settings-no-groups = You are not in any group.
settings-groups-hint = Admins put members in groups; some boards are open only to certain groups.
notif-access-lost = You can no longer read “{ $detail }”, so you no longer follow it.
noun-post = a post
noun-comment = a comment
noun-topic = a topic
noun-reply = a reply
noun-response = an official response
reply-hidden = This reply was hidden by a moderator.
comment-hidden = This comment was hidden by a moderator.
access-readers = Logged-in readers
group-member-already = Already in the group.
group-remove-member-named = Remove { $name } from the group
err-member-group-name-empty = Give the group a name.
error-cross-site = This form was sent from another site's page, so nothing was changed. If you meant to do this, open the page on this site and send the form again.
err-body-nested = This text nests quotes, lists or HTML elements more than 40 levels deep, which this site does not accept. Flatten the deepest part and send it again; your text is kept below.
err-body-slow = The site is too busy to format this text right now. Nothing was lost: your text is kept below; try again in a moment.
field-time-zone = Time zone
time-zone-site = The site's ({ $zone })
hint-time-zone = Dates and times on every page are shown in this zone; search dates are days in it too.
err-time-zone = Choose a time zone from the list.

# notification preferences, e-mail copies, unsubscribe
settings-more = More settings
settings-notifications-link = Notifications: what you hear about, and how
prefs-title = Notification settings
prefs-intro = For each kind of event, choose whether you are told on the site only, also by e-mail, or not at all. The “E-mail me a copy of my notifications” box in your settings turns all e-mail on or off; saving this page ticks it when you choose e-mail for something.
prefs-kind = Event
prefs-channel-site = On the site
prefs-channel-email = Site and e-mail
prefs-channel-off = Off
prefs-kind-reply = Replies to my comments
prefs-kind-comment = Comments on my posts
prefs-kind-topic-reply = Replies to my topics
prefs-kind-mention = Someone mentions me (@name)
prefs-kind-quote = Someone quotes me
prefs-kind-accepted = My answer is accepted
prefs-kind-response = Official responses to my reviews
prefs-kind-edit-accepted = My magazine edits accepted
prefs-kind-edit-rejected = My magazine edits not accepted (with the editor's note)
prefs-kind-idea-status = Status changes of ideas I follow
prefs-kind-followed-reply = Replies in topics I follow
prefs-kind-new-topic = New topics in boards I follow
prefs-kind-all = all e-mail notifications
prefs-digest = How e-mail is sent
prefs-digest-immediate = One e-mail per notification, at once
prefs-digest-daily = A daily digest
prefs-digest-weekly = A weekly digest (on Mondays)
prefs-digest-hint = Digests collect the day's or the week's e-mail notifications (UTC) into one message.
prefs-invalid = Choose one option for every event, and how e-mail is sent.
mail-open = Open on the site
mail-unsubscribe = Stop these e-mails
mail-digest-daily = { $count ->
    [one] Your daily digest: 1 notification
   *[other] Your daily digest: { $count } notifications
}
mail-digest-weekly = { $count ->
    [one] Your weekly digest: 1 notification
   *[other] Your weekly digest: { $count } notifications
}
mail-digest-intro = { $count ->
    [one] Here is what happened since your last digest (1 notification):
   *[other] Here is what happened since your last digest ({ $count } notifications):
}
unsubscribe-title = Unsubscribe
unsubscribe-confirm = Stop e-mails about: { $what }? You will still see these notifications on the site.
unsubscribe-button = Stop these e-mails
unsubscribe-done = Done: no more e-mails about { $what }. You can change this any time in your notification settings.

# a member's own data
settings-account-link = Your data: download it, or delete your account
account-title = Your data and account
account-export = Download my data
account-export-intro = A zip file with everything you wrote (posts, comments, topics, replies, reviews, ideas) as Markdown files, each with its title, address, dates and tags, plus your profile and settings as JSON. It holds no password and no session.
account-export-button = Download my data (.zip)
account-delete = Delete my account
account-delete-policy = This site keeps what members wrote when they leave, so that discussions stay whole: deleting your account works like this.
account-delete-kept = Kept: your posts, comments, topics, replies, reviews and ideas stay where they are, shown as written by “deleted member”. Delete any of them first if you want them gone.
account-delete-gone = Gone at once: your e-mail address, name, username, bio and profile, your sessions (you are logged out everywhere), notification settings, followed topics, boards and tags, group memberships and notifications.
account-delete-final = This cannot be undone. Your e-mail address and username can be used to register again.
account-delete-password = Your password, to confirm
account-delete-button = Delete my account
account-delete-confirm = Delete your account now? This cannot be undone.
account-delete-wrong-password = That password is not right. Your account was not deleted.
account-delete-only-admin = You are the only administrator of this site, so your account was not deleted. Make someone else an administrator first.
account-deleted = Your account was deleted
account-deleted-text = You are logged out. What you wrote stays on the site under “deleted member”.
account-deleted-home = Go to the home page
deleted-member = deleted member

## Accounts: look-alike names, slowed logins, rate limits
err-username-invisible = The username cannot contain invisible or formatting characters.
err-username-mixed = Do not mix alphabets that look alike (such as Latin and Cyrillic letters) in a username.
err-username-lookalike = That username looks too much like an existing one. Please choose another.
err-display-name-staff = That display name looks like the name of a staff member or a role. Please choose another.
err-email-same = That is already your e-mail address.
err-login-slowed = Too many wrong passwords were tried for this account from your network. Wait { $count ->
        [one] one second
       *[other] { $count } seconds
    }, then try again. Forgot your password? Reset it with the link below.
error-too-many-posts = You are posting faster than this site allows. Wait a minute, then send your text again (it is kept below).
error-too-many-password = Too many password changes in a short time. Wait a few minutes, then try again.
error-too-many-password-checks = Too many password attempts in a short time. Wait a few minutes, then try again.
error-too-many-searches = Too many searches in a short time. Wait a moment, then search again.
error-too-many-registrations = Too many accounts were created from your network in the last hour. Please try again later.
error-too-many-resets = Too many reset links were asked for in the last hour. Check your mail (and its spam folder) for the ones already sent, or try again later.
error-too-many-mails = Too many messages were sent to your address in the last hour. Check your mail, or try again later.
error-verify-email = Confirm your e-mail address before you post: open the link we sent you. You can have it sent again from your settings. What you wrote is kept below.

## Accounts: password reset, confirmation links
login-forgot = Forgot your password?
forgot-title = Reset your password
forgot-intro = Enter the e-mail address of your account. We will send you a link to choose a new password.
forgot-submit = Send the link
forgot-back-to-login = Back to logging in
forgot-sent-title = Check your mail
forgot-sent = If an account uses { $email }, a link to reset its password is on its way.
forgot-sent-next = The link works once, for one hour. Nothing arrived? Look in your spam folder, or check the address and ask again.
forgot-again = Ask for a new link
reset-title = Choose a new password
reset-intro = A new password for { $username }. Every device logged into this account will be logged out.
reset-submit = Save the new password
password-reset-done = Your new password is saved. Every other session of your account has been logged out.
link-title = This link cannot be used
link-used = This link has already been used. Each link works once.
link-expired = This link has expired. Ask for a new one.
link-unknown = This link is not valid. Check that you copied all of it, or ask for a new one.
check-mail-title = Check your mail
check-mail-sent = We sent a message to { $email }. Open the link in it to confirm your address.
check-mail-next = If you already had an account with this address, the message tells you how to get back into it instead.
confirm-title = Confirm your e-mail address
confirm-intro = Confirm this address for the account { $username }.
confirm-submit = Confirm
confirmed-title = Address confirmed
confirmed-text = Thank you: your e-mail address is confirmed. Log in to take part.
email-change-taken = Another account uses this address now, so it cannot become yours.
settings-email = E-mail address
settings-email-current = Your address: { $email }
settings-email-verified = confirmed
settings-verify-required = Your address is not confirmed yet: open the link we sent you. Until then you can read but not post.
settings-verify-optional = Your address is not confirmed yet: open the link we sent you.
settings-verify-resend = Send the link again
field-new-email = New e-mail address
hint-new-email = We send a link to the new address; your address changes when you open it. Your current address is told about the change.
settings-change-email = Change e-mail address
email-change-sent = We sent a link to your new address. Your address changes when you open it; until then the current one stays in effect.
email-changed = Your e-mail address has been changed.
email-verified = Your e-mail address is confirmed.
verify-sent = We sent the confirmation link again.
admin-send-reset = Send reset link
admin-reset-confirm = Send a password-reset link to { $email }?
admin-reset-sent = A password-reset link has been sent.

## Account mails
mail-reset-subject = Reset your password on { $site }
mail-reset-intro = Someone (we hope you) asked to reset the password of the account { $username } on { $site }.
mail-reset-link = Open this link within one hour to choose a new password:
mail-reset-ignore = If you did not ask for this, ignore this message: your password stays as it is.
mail-verify-subject = Confirm your e-mail address on { $site }
mail-verify-intro = Welcome to { $site }, { $username }!
mail-verify-link = Open this link to confirm your e-mail address:
mail-verify-ignore = If you did not sign up, ignore this message.
mail-signup-taken-subject = Someone tried to sign up on { $site } with your address
mail-signup-taken-intro = Someone tried to create an account on { $site } with this e-mail address, which already belongs to the account { $username }. No new account was made.
mail-signup-taken-reset = If it was you and you cannot log in, reset your password here (if it was not you, ignore this message):
mail-email-change-subject = Confirm your new e-mail address on { $site }
mail-email-change-intro = The account { $username } on { $site } asked to use this address ({ $email }).
mail-email-change-link = Open this link to confirm it (if you did not ask for this, ignore this message):
mail-email-change-old-subject = Your e-mail address on { $site } is being changed
mail-email-change-old-intro = The account { $username } on { $site } asked to change its e-mail address to { $email }. The change happens when the new address confirms it; until then this address stays in effect.
mail-email-change-old-warning = If you did not ask for this, change your password now: someone may be using your account.
verify-first-title = Confirm your e-mail address first
verify-first-text = Before you post, open the link we sent to your e-mail address. Nothing arrived? Look in your spam folder, or have it sent again. What you wrote is kept below: copy it, then send it again once your address is confirmed.

## media
media-title = Your media
media-intro = Pictures, sound and video you uploaded. Put one in a post, topic, reply or comment by pasting its Markdown, or upload straight from the editor.
media-upload = Upload files
media-choose = Files (pictures, sound or video)
media-limits = Accepted: JPEG, PNG, GIF and WebP pictures up to { $image }; MP3, M4A and Ogg sound up to { $audio }; MP4 and WebM video up to { $video }. You may upload { $daily } a day.
media-upload-button = Upload
media-uploaded = { $count ->
    [one] One file uploaded. Paste its Markdown where it should appear, and describe what it shows between the brackets:
   *[other] { $count } files uploaded. Paste their Markdown where they should appear, and describe what each shows between the brackets:
}
media-yours = Your files
media-none = You have not uploaded anything yet.
media-markdown = Markdown
media-unused = Not used anywhere.
media-used-in = Used in:
media-avatar = your profile picture
media-delete = Delete
media-delete-confirm = Delete this file for good?
media-deleted = The file was deleted.
media-type-image = Picture
media-type-audio = Sound
media-type-video = Video
search-kind-media = Media
noun-media = a file
media-attach = Attach files
media-attach-hint = Pictures, sound or video: choose them here or drop them on the text or this box. Each is added to the text as Markdown; describe every picture between its brackets: ![A red bicycle](/media/12).
media-attached = Files attached below your text. Describe each picture between its brackets, then publish.
media-err-empty = The file is empty.
media-err-type = This is not a picture, sound or video file that this site accepts (JPEG, PNG, GIF, WebP; MP3, M4A, Ogg; MP4, WebM). The file name does not matter: the contents decide.
media-err-svg = SVG drawings are not accepted: they can carry scripts. Export the drawing as PNG and upload that.
media-err-heif = HEIC and AVIF pictures are not accepted yet. Export the picture as JPEG or PNG (phones can be set to take “Most compatible” photos).
media-err-quicktime = QuickTime (.mov) videos are not accepted. Export the video as MP4 (H.264), which every browser plays.
media-err-matroska = Matroska (.mkv) videos are not played by browsers. Export the video as MP4 or WebM.
media-err-corrupt = This picture is damaged or cut short and cannot be read.
media-err-dimensions = This picture is too large to process (at most 12,000 pixels on a side and 50 megapixels; animations at most 500 frames).
media-err-polyglot = This file has another file (an archive) hidden at its end. Upload the picture, sound or video alone.
media-err-too-big = This file is larger than this site accepts for its type. Your media page (/media) lists the limits.
media-err-too-many = At most 10 files can be uploaded at once.
media-err-quota = You have reached today's upload limit. Try again tomorrow (files deleted today still count).
media-err-site-full = This site's storage for uploads is full. Tell an administrator.
media-err-none = Choose at least one file to upload.
media-err-in-use = This file is used in a post or profile, so it cannot be deleted. Remove it from there first.
err-image-alt = Describe every picture for readers who cannot see it: write a few words between the brackets, like ![A red bicycle at the door](/media/12).
media-uploading-js = Uploading {"{"}name{"}"}…
media-err-unreadable = The upload could not be read: a file name has characters that cannot be sent (such as control characters). Rename the file and try again.
avatar-title = Profile picture
avatar-yours = Your profile picture
avatar-choose = A picture (JPEG, PNG, GIF or WebP)
avatar-hint = Shown on your profile, cut to a square. Everyone can see it.
avatar-upload = Upload picture
avatar-remove = Remove the picture
avatar-saved = Your profile picture was saved.
avatar-removed = Your profile picture was removed.
avatar-err-type = A profile picture must be a picture (JPEG, PNG, GIF or WebP).
episode-section = Podcast or video episode
episode-intro = A post can carry one sound or video file as its episode: its page shows the player and the transcript, and the blog's feed carries the file for podcast apps.
field-episode = Episode file
episode-none = No episode
episode-upload-first = Upload a sound or video file first (with “Attach files” above, or on your media page); it then appears here.
field-transcript = Transcript
hint-transcript = What is said in the episode, in Markdown, for readers who cannot listen.
err-episode-unknown = Choose one of your own sound or video files.
episode-transcript = Transcript
episode-download = Download ({ $size })
podcast-settings = Podcast
field-podcast = This blog is a podcast
hint-podcast = Its feed then carries what podcast apps read (cover art, category, episodes with their files). Give a post an episode in its editor.
podcast-cover-current = The current cover art
field-podcast-cover = Cover art
hint-podcast-cover = A square picture of at least 1,400 × 1,400 pixels (podcast apps refuse smaller ones). The middle square of another shape is used.
field-podcast-category = Category
field-podcast-language = Language
field-podcast-author = Author (as podcast apps show it)
field-podcast-email = Owner's e-mail address (optional)
hint-podcast-email = Podcast directories write here to confirm that the podcast is yours. It is in the feed, so anyone can read it.
field-podcast-explicit = Episodes may contain explicit language
err-podcast-category = Choose a category from the list.
err-podcast-language = Choose a language from the list.
err-podcast-author = Give the name podcast apps show as the author (at most 100 characters).
podcast-err-cover-small = Cover art must be at least 1,400 × 1,400 pixels.
podcast-err-cover-type = Cover art must be a picture (JPEG, PNG or WebP).
storage-title = Media storage
storage-intro = What members uploaded and the space it takes. Each distinct file is stored once, however many members upload it.
storage-used = Space used
storage-files = Distinct files
storage-items = Uploads
storage-limits = Limits
storage-limits-value = pictures { $image }, sound { $audio }, video { $video } a file; { $daily } a member a day
storage-uploaders = Biggest uploaders
storage-none = Nothing has been uploaded yet.
storage-uploaded = Uploaded
storage-count = Files
err-cover-not-yours = Choose a picture from your own media, or give a picture's web address.
media-err-fetch = The picture at that address could not be fetched. Check the address, or download the picture and upload it instead.
media-err-fetch-slow = The site with that picture did not answer in time. Try again, or download the picture and upload it instead.
media-err-fetch-url = Only pictures at http:// or https:// addresses can be fetched.
media-err-fetch-private = That address is not on the public internet, so it is not fetched.
media-err-fetch-type = The address does not lead to a picture (JPEG, PNG, GIF or WebP).
media-err-fetch-many = At most 10 pictures from other sites can be brought into one text. Upload the others.
media-err-fetch-port = Pictures are fetched from the usual web ports only (80, 443, 8080 and 8443).
media-cover = a podcast cover
media-issue-cover = a magazine issue's cover
media-site-logo = the site's logo
media-site-favicon = the site's favicon
media-err-site-look = This picture is the site's logo or favicon, so it cannot be deleted. Choose another or remove it under “The site's look” (/admin/site) first.
media-upload-failed-js = not uploaded: your session may have ended. Copy your text, reload the page and try again.

## The magazine
nav-magazine = Magazine
search-kind-article = Magazine article
search-kind-issue = Magazine issue
noun-article = an article
noun-issue = an issue
magazine-title = Magazine
magazine-intro = Our magazine, issue by issue: products, services, people and stories, written with our customers.
magazine-none = No issue has been published yet.
magazine-upcoming = Issues in the making
magazine-archive = Earlier issues
magazine-issue-title = No. { $number }: { $title }
magazine-number = No. { $number }
magazine-contents = Contents
magazine-section-empty = Nothing in this section yet.
magazine-not-out = This issue is not out yet: only its editors and writers see it.
magazine-desk = Issue desk
magazine-editor-note = Editor's note
magazine-new-issue = New issue
magazine-create-issue = Create the issue
magazine-edit-issue-title = Issue No. { $number }: the desk
magazine-details = Title, theme, cover and note
magazine-number-field = Number
magazine-number-hint = It is part of every address of the issue and cannot change later.
magazine-theme = Theme
magazine-cover = Cover picture
magazine-cover-hint = A picture of your media library (/media/12), or the address of one elsewhere (it is fetched and kept here).
magazine-save = Save
magazine-saved = Saved.
magazine-stage = Stage
magazine-stage-now = Now:
magazine-stage-draft = Draft
magazine-stage-review = In review
magazine-stage-scheduled = Scheduled
magazine-stage-published = Published
magazine-move-to = Move the issue to
magazine-move = Move
magazine-publish-at = Publish at (scheduled issues)
magazine-publish-at-hint = In your time zone. At that time the whole issue goes live at once.
magazine-scheduled-for = goes live { $date }
magazine-stage-saved = The issue's stage is saved.
magazine-articles = Articles
magazine-no-articles = No articles yet.
magazine-new-article = New article
magazine-sections = Sections
magazine-new-section = New section
magazine-add = Add
magazine-section-added = Section added.
magazine-section = Section
magazine-no-section = (none: before the sections)
magazine-position = Order
magazine-mode = Who writes it
magazine-mode-closed = Editors and its writers
magazine-mode-open = Open: any member (new members' edits are reviewed)
magazine-mode-contributions = Contributions only
magazine-mode-hint = Open articles are edited wiki-style; every save is kept in the history.
magazine-writers = Writers
magazine-writers-hint = Usernames, separated by commas. Writers see the issue before it is out and edit this article.
magazine-article-settings = Place and writers
magazine-edit = Edit
magazine-edit-article-title = Editing “{ $title }”
magazine-summary-field = What you changed
magazine-summary-hint = A few words for the history (optional).
magazine-by = By
magazine-updated = Updated { $date }
magazine-history = History
magazine-history-title = History of “{ $title }”
magazine-back-to-article = Back to the article
magazine-when = When
magazine-who = Who
magazine-size = Characters (change)
magazine-summary = Summary
magazine-state-pending = waiting for review
magazine-state-rejected = not accepted
magazine-open-hint = Any member may improve this article; every change is kept in its history.
magazine-pending-notice = Your edit is saved and waits for an editor's review. Readers see the article as it was until then.
magazine-state-edited = accepted with changes
magazine-review-summary = { $who }'s edit (revision { $id }), accepted with changes
magazine-stat-views = Views
magazine-stat-read-through = Read to the end
magazine-stat-comments = Comments
magazine-stat-waiting = Edits waiting
magazine-article-delete-confirm = Remove “{ $title }” from the issue, with its history and comments? Readers will no longer find it.
magazine-section-delete-confirm = Delete the section “{ $title }”? Its articles stay in the issue.
magazine-desk-stats-hint = Views and read-through are counted without cookies or scripts and without recording who read.
magazine-section-changed = Sections updated.
magazine-section-deleted = Section deleted; its articles are still in the issue, outside any section.
magazine-article-deleted = Article removed from the issue.
magazine-section-name = Section name
magazine-section-rename = Rename
magazine-section-up = Move “{ $title }” up
magazine-section-down = Move “{ $title }” down
magazine-section-delete = Delete
magazine-section-delete-hint = Deleting a section keeps its articles in the issue, outside any section.
magazine-err-section-action = Choose what to do with the section.
magazine-article-delete = Remove
magazine-article-delete-named = Remove “{ $title }” from the issue
magazine-epub-online = Play it online
magazine-epub-read-online = Read this article online, with its comments
magazine-epub = Download as an e-book (EPUB)
magazine-issue-number = Magazine No. { $number }
tag-article-count = { $count ->
    [one] { $count } magazine article
   *[other] { $count } magazine articles
}
magazine-review-edit-accept = Edit, then accept
magazine-review-editing = You are editing { $who }'s waiting edit. Saving accepts it as you leave it; { $who } is told.
magazine-err-review-gone = That edit is no longer waiting for review (someone reviewed it, or it does not exist).
magazine-pending-see = See your version
magazine-pending-changes = See your changes
magazine-merged-notice = Saved. Someone else saved this article while you were editing; your changes and theirs did not overlap, so both are in.
magazine-conflict-by = { $who } saved this article while you were editing. Changes that did not overlap are combined in the form below. Where you both changed the same words, your version is in the form and theirs is shown here: settle each passage, then save.
magazine-conflict-title = The title
magazine-conflict-theirs = Saved meanwhile
magazine-conflict-yours = Yours (in the form)
magazine-conflict-passage = Passage { $n }
magazine-conflict-current = The whole article as it is now
magazine-state-approved = approved
magazine-current = current
magazine-history-none = No revisions yet.
magazine-compare-hint = Choose two revisions (from, to) and compare them.
magazine-compare-from = From
magazine-compare-to = To
magazine-compare-from-rev = Compare from revision { $id }
magazine-compare-to-rev = Compare to revision { $id }
magazine-compare = Compare the chosen revisions
magazine-actions = Actions
magazine-changes = Changes
magazine-undo = Undo
magazine-diff-title = Changes to “{ $title }”
magazine-diff-missing = There is no such revision of this article, or it is not yours to see. Pick revisions from the history.
magazine-diff-from = Before
magazine-diff-to = After
magazine-diff-empty-start = The empty page before the first revision
magazine-revision-number = Revision { $id }
magazine-diff-counts = { $added } words added, { $removed } removed
magazine-diff-view = How to show the changes
magazine-diff-inline = Inline
magazine-diff-side = Side by side
magazine-diff-legend = Removed text is struck through on red; added text is underlined on green.
magazine-diff-none = The text is the same in both.
magazine-diff-gap = … { $count } unchanged lines …
magazine-diff-open = Open the changes
magazine-revision-title = “{ $title }” — revision { $id }
magazine-revision-current = This is the text readers see now.
magazine-revision-old = This is an earlier revision; readers see a newer one.
magazine-revision-unapproved = This revision is not shown to readers: it waits for review or was not accepted.
magazine-changes-made = What this revision changed
magazine-changes-since = Changes since this revision
magazine-rollback = Make this the current text
magazine-rollback-hint = Saves this revision's text as a new revision; nothing in the history is lost.
magazine-rollback-changed = Not rolled back: someone saved the article since you opened this page. Look at the latest changes, then try again.
magazine-rollback-same = This text is already the current one.
magazine-rollback-summary = Back to revision { $id } by { $who }
magazine-err-rollback-unapproved = Only a revision readers have seen can become the current text again.
magazine-err-undo-missing = There is no such revision of this article to undo (only a saved, approved change after the first can be undone).
magazine-err-undo-conflict = This change cannot be undone automatically: later edits changed the same words. Edit the text by hand below; the history shows what that revision changed.
magazine-undo-nothing = That change is not in the article any more: there is nothing to undo.
magazine-undo-summary = Undo revision { $id } by { $who }
magazine-undo-check = The form below holds the article without revision { $id }'s changes. Check what that changes, then save.
magazine-undo-changes = What saving will change
magazine-conflict-heading = Someone saved this article while you were editing
magazine-conflict-text = Nothing of yours was lost: your text is in the form below. Here is the article as it is now; bring over what you need, then save again.
magazine-err-conflict = Not saved yet: someone changed the same words since you opened the article. Settle the passages above, then save again.
magazine-err-number = Give a whole number from 1 to 99999.
magazine-err-number-taken = An issue with this number exists already.
magazine-err-theme = Keep the theme under 300 characters, on one line.
magazine-err-stage = Choose a stage.
magazine-err-publish-at = A scheduled issue needs the time it goes live.
magazine-err-publish-at-past = That time has passed: choose a later one, or publish now.
magazine-err-section = Choose one of this issue's sections.
magazine-err-position = Give a whole number from 0 to 10000.
magazine-err-mode = Choose who writes the article.
magazine-err-writers-many = Name at most 20 writers.
magazine-err-writers-unknown = One of these names is not a member here.
magazine-err-summary = Keep the summary under 300 characters, on one line.
magazine-err-body-long = An article may have up to 200,000 characters.
magazine-review-title = Edits waiting for review
magazine-review-none = No edit is waiting.
magazine-review-now = What readers see now
magazine-review-proposed = The edit
magazine-review-note = Note for the author (optional)
magazine-review-accept = Accept
magazine-review-reject = Reject
magazine-review-accepted = Accepted: readers see the edit now.
magazine-review-rejected = Rejected: the author can read your note in the history.
magazine-review-gone = Someone reviewed that edit already.
magazine-review-stale = The article changed since this edit was made from it: accepting it would undo that change. Reject it with a note, or bring it into the article yourself.
magazine-review-queue = Review edits
magazine-err-decision = Choose to accept or to reject.
magazine-review-note-shown = Editor’s note:

## Contribution areas, polls, questions, reactions
reactions = Reactions
reaction-applause = Applause
reaction-insightful = Insightful
reaction-love = Love it
reaction-surprised = Surprising
err-reaction-unknown = That is not a reaction we know.
err-reaction-own = You cannot react to your own piece.
search-kind-contribution = Reader contribution
noun-contribution = a contribution
notif-entry-accepted = { $actor } accepted your contribution “{ $detail }” into the magazine
notif-entry-returned = { $actor } returned your contribution “{ $detail }” with a note: change it and send it again
notif-entry-declined = { $actor } declined your contribution “{ $detail }”
prefs-kind-entry-accepted = My contributions accepted
prefs-kind-entry-returned = My contributions returned to me (with the editor's note)
prefs-kind-entry-declined = My contributions declined
magazine-accepts = Accepts:
magazine-accepts-image = pictures
magazine-accepts-audio = sound
magazine-accepts-video = video
magazine-accepts-text = Accepts: text only
magazine-accepts-hint = Entries may always have text. Leave every box empty for text only.
magazine-area-new = Open a contribution area
magazine-area-edit-title = Change “{ $title }”
magazine-area-open = Open the area
magazine-area-save = Save the area
magazine-area-saved = The area is saved.
magazine-area-change = Change the area
magazine-area-see = See the entries
magazine-area-prompt = What you ask readers for
magazine-area-prompt-hint = Shown above the area. Markdown: links, emphasis, lists.
magazine-area-title-example = Your photos of spring
magazine-area-deadline-field = Deadline (optional)
magazine-area-deadline-hint = In your time zone. Entries are refused after it; accepted ones stay.
magazine-area-deadline = Open until { $date }
magazine-area-closed = Closed on { $date }
magazine-area-closed-text = This area no longer takes entries.
magazine-areas = Contribution areas
magazine-areas-none = No contribution areas in this article yet.
magazine-entries-accepted = { $count ->
    [0] No entries in the magazine yet
    [one] { $count } entry in the magazine
   *[other] { $count } entries in the magazine
}
magazine-entries-waiting = { $count ->
    [0] Nothing waiting for an editor
    [one] { $count } entry waiting for an editor
   *[other] { $count } entries waiting for an editor
}
magazine-entries-returned = { $count ->
    [one] { $count } returned to its author
   *[other] { $count } returned to their authors
}
magazine-entries-declined = { $count ->
    [one] { $count } declined
   *[other] { $count } declined
}
magazine-entries-none = No entries were accepted.
magazine-entries-none-open = No entries yet. Yours could be the first.
magazine-entries-none-waiting = Every entry has been looked at.
magazine-entries-mine = Your entries
magazine-entries-arrange = Captions and order of the accepted entries
magazine-entry-by = by
magazine-entry-send = Send your entry
magazine-entry-change-heading = Change your entry and send it again
magazine-entry-title = Title of your entry
magazine-entry-body = Your entry
magazine-entry-hint = Write a few words and attach your pictures, sound or video (or pick them from your library). An editor reads every entry before it appears in the magazine.
magazine-entry-submit = Send
magazine-entry-resend = Send again
magazine-entry-login = Log in to send an entry
magazine-entry-not-invited = Only the people working on this issue can send entries before it is out.
magazine-entry-sent = Thank you: your entry waits for an editor. You will be told what they decide.
magazine-entry-decided = Done: its author is told.
magazine-entry-stale = Someone decided about that entry meanwhile (or its author changed it): look at it again.
magazine-entry-pending = Waiting for an editor
magazine-entry-accepted = In the magazine
magazine-entry-returned = Returned to you
magazine-entry-declined = Declined
magazine-entry-note = Editor’s note:
magazine-entry-note-field = Note to its author (needed to return it)
magazine-entry-change = Change it and send it again
magazine-entry-caption = Caption
magazine-entry-accept = Accept
magazine-entry-save = Save caption and order
magazine-entry-return = Return with the note
magazine-entry-decline = Decline
magazine-err-area-closed = This area closed at its deadline: entries are no longer taken. Your text is kept below.
magazine-err-area-type = This area does not take that kind of file. See what it accepts above.
magazine-err-area-text-only = This area takes text only: remove the attached files.
magazine-err-entry-long = An entry can be at most 20,000 characters.
magazine-err-entry-many = You have 10 entries waiting here already: wait for an editor before sending more.
magazine-err-entry-decided = An editor decided about this entry meanwhile; it can no longer be changed.
magazine-err-return-note = Say in the note what the author should change before returning an entry.
magazine-err-prompt-long = The prompt can be at most 4,000 characters.
magazine-err-deadline = Give the deadline as a date and time.
magazine-stats-link = Readers
magazine-stats-title = Readers of “{ $title }”
magazine-stats-views = Views
magazine-stats-read = Read to the end
magazine-stats-comments = Comments
magazine-stats-likes = Likes
magazine-stats-waiting = Edits waiting
magazine-stats-hint = Counted without scripts, cookies or storing who read: a view is a page that began to show the article, “read to the end” one that reached its last line. Reloads count again.
magazine-polls = Polls and questions
magazine-polls-none = No polls or questions yet.
magazine-poll-add = Add a poll or a question
magazine-poll-add-button = Add
magazine-poll-kind = Kind
magazine-poll-kind-poll = Poll: readers choose one answer and then see the results
magazine-poll-kind-question = Question: readers write an answer that only editors read
magazine-poll-question = Question
magazine-poll-options = Choices (for a poll)
magazine-poll-options-hint = One per line, 2 to 12.
magazine-poll-close = Close
magazine-poll-reopen = Open again
magazine-poll-closed = Closed
magazine-poll-your-vote = your vote
magazine-vote = Vote
magazine-vote-hint = One vote per member. You see the results once you have voted.
magazine-vote-login = Log in to vote
magazine-vote-count = { $count ->
    [one] { $count } vote
   *[other] { $count } votes
}
magazine-answer-count = { $count ->
    [0] No answers yet
    [one] { $count } answer
   *[other] { $count } answers
}
magazine-answer-field = Your answer
magazine-answer-yours = Your answer (you may change it)
magazine-answer-hint = Only the magazine's editors read the answers.
magazine-answer-send = Send my answer
magazine-answer-change = Change my answer
magazine-answer-thanks = Thank you: the editors will read your answer.
magazine-answer-login = Log in to answer
magazine-err-answer-empty = Write an answer first.
magazine-err-answer-long = An answer can be at most 4,000 characters.
magazine-err-poll-question = Write the question.
magazine-err-poll-question-long = A question can be at most 300 characters, on one line.
magazine-err-poll-option-long = A choice can be at most 200 characters.
magazine-err-poll-options = A poll needs 2 to 12 different choices, one per line.
magazine-err-poll-closed = This poll is closed.
magazine-err-poll-choose = Choose one of the answers first.
magazine-err-poll-voted = You have voted in this poll already (one vote per member).
profile-contributions = In the magazine
magazine-review-entries = Contributions waiting
magazine-review-edits = Edits waiting
magazine-contributions-hint = Readers complete this article: send your entry to one of its areas below.

## Calls for contributions and contests
search-kind-call = Call for contributions
noun-call = a call for contributions
notif-entry-awarded = Your entry won an award in “{ $detail }”
prefs-kind-entry-awarded = My entries win an award in a call
magazine-calls-title = Calls for contributions
magazine-calls-link = Calls for contributions and contests
magazine-calls-intro = Themes the editors invite you to write, photograph or record for. The best entries are featured in the magazine.
magazine-calls-open = Open now
magazine-calls-past = Past calls
magazine-calls-none-open = No call is open right now.
magazine-call-new = Open a call for contributions
magazine-call-edit-title = Change “{ $title }”
magazine-call-title-example = Photo contest: spring at work
magazine-call-theme = Theme (what you ask for)
magazine-call-rules = Rules
magazine-call-prizes = Prizes
magazine-call-judges = Judges:
magazine-call-judges-field = Judges
magazine-call-judges-hint = Usernames, separated by commas: staff or named members. Editors may always judge.
magazine-call-open = Open the call
magazine-call-save = Save the call
magazine-call-change = Change the call
magazine-call-entries-review = Entries waiting
magazine-call-no-deadline = No deadline
magazine-call-winners = Winners
magazine-call-winners-of = Winners of “{ $title }”
magazine-call-winners-out = winners announced
magazine-call-judging = being judged
magazine-call-see = See the call and every entry
magazine-call-announce = Announce the winners
magazine-call-announce-button = Announce
magazine-call-announced = The winners are announced
magazine-call-unannounce = Take the announcement back
magazine-call-featured-issue = Feature the winners in issue number (optional)
magazine-call-featured-hint = The issue's cover shows the winning entries. Winners are told and their profiles show the award.
magazine-judging-link = Score sheet
magazine-judging-title = Score sheet: { $title }
magazine-judging-hint = Score each accepted entry from 1 to 10, with a note for the other judges if you like. Entries are ranked by their mean score; you may change yours until the winners are announced.
magazine-judging-none = No entries have been accepted yet.
magazine-judging-mean = mean { $score }
magazine-score = Score (1–10)
magazine-score-note = Note
magazine-score-save = Save my score
magazine-score-saved = Your score is saved.
magazine-award = Award
magazine-award-example = First prize
magazine-award-save = Give the award
magazine-award-saved = The award is saved; it shows once the winners are announced.
magazine-err-score = Give a whole number from 1 to 10.
magazine-err-score-note = A note can be at most 2,000 characters.
magazine-err-award-long = An award can be at most 100 characters.
magazine-err-featured-issue = There is no issue with that number.
magazine-err-judges-many = A call can have at most 20 judges.
magazine-err-judges-unknown = One of these is not a member here: check the usernames.
magazine-err-prizes-long = The prizes can be at most 4,000 characters.
magazine-err-rules-long = The rules can be at most 20,000 characters.
magazine-answer-kept = What you typed (kept for you to copy):
magazine-err-deadline-past = This deadline has passed already: give a time to come.
magazine-area-returned-mine = An entry of yours came back with a note: change it and send it again
magazine-history-pages = Pages of the history
magazine-history-newest = Newest revisions
magazine-history-older = Older revisions
magazine-err-score-announced = The winners are announced: scores no longer change.
magazine-err-score-own = You cannot score your own entry.
magazine-err-judge-enters = You judge this contest, so you cannot enter it.
magazine-call-featured-in = Featured in “{ $title }”

## Moderation: flags, the review queue, sanctions, appeals, the log
nav-mod = Review
flag-link = Flag
flag-title = Flag { $what }
flag-intro = Tell the moderators what is wrong. The author is not told who flagged.
flag-reason = Why?
flag-note = Anything the moderators should know
flag-note-hint = Optional, except for “Something else”. Up to 1,000 characters.
flag-submit = Send to moderators
flag-thanks = Thank you. The moderators will look at it.
flag-back = Back
flag-already = You flagged this on { $date }. Moderators will look at it.
flag-own = This is yours: you cannot flag it.
flag-login = Log in to flag.
flag-twice = You flagged this already.
flag-reason-required = Choose why you flag it.
flag-note-required = Say what is wrong when you choose “Something else”.
flag-note-too-long = Keep the note under 1,000 characters.
flag-noun-content = a post
flag-noun-profile = a profile
mod-reason-spam = Spam or advertising
mod-reason-abuse = Abusive or harassing
mod-reason-off_topic = Off topic
mod-reason-illegal = Illegal content
mod-reason-other = Something else
mod-queue-title = Review queue
mod-queue-empty = Nothing is waiting for review.
mod-queue-none = Nothing is waiting for review. Flagged, held and appealed items will appear here.
mod-queue-none-match = Nothing waiting matches these filters.
mod-waiting-count = { $count ->
    [one] { $count } item waiting
   *[other] { $count } items waiting
}
mod-matching = { $count ->
    [one] { $count } matches the filters
   *[other] { $count } match the filters
}
mod-oldest = oldest waiting for { $time }
mod-waiting-for = waiting for { $time }
mod-waited-minutes = { $count ->
    [one] { $count } minute
   *[other] { $count } minutes
}
mod-waited-hours = { $count ->
    [one] { $count } hour
   *[other] { $count } hours
}
mod-waited-days = { $count ->
    [one] { $count } day
   *[other] { $count } days
}
mod-filters = Filter the queue
mod-filter-kind = Kind
mod-filter-reason = Reason
mod-filter-board = Board
mod-filter-age = Waiting
mod-filter-any = Any
mod-filter-apply = Filter
mod-age-1h = over an hour
mod-age-1d = over a day
mod-age-7d = over a week
mod-queue-flagged = Flagged
mod-queue-held = Held for review
mod-queue-watched = Watched word
mod-queue-appeal = Appeal
mod-queue-other = Waiting
mod-kind-profile = Profile
mod-kind-appeal = Appeal
mod-kind-content = Content
mod-state-hidden = Hidden
mod-state-deleted = Deleted
mod-state-suspended = Suspended
mod-state-silenced = Silenced
mod-history-link = Moderation history
mod-appeal-of = Appeal against a { $what }
mod-profile-of = Profile of { $name }
mod-member-days = { $count ->
    [0] joined today
    [one] joined { $count } day ago
   *[other] joined { $count } days ago
}
mod-member-sanctions = { $count ->
    [0] no past sanctions
    [one] { $count } past sanction
   *[other] { $count } past sanctions
}
mod-member-upheld = { $count ->
    [0] no upheld flags
    [one] { $count } upheld flag
   *[other] { $count } upheld flags
}
mod-action = Decision
mod-approve = Approve: it stays (or is shown again)
mod-hide = Hide it
mod-delete = Delete it
mod-dismiss = Dismiss the flags
mod-act-on-member-only = Act on the member only
mod-appeal-lift = Lift the sanction
mod-appeal-uphold = Uphold the sanction
mod-appeal-answer = Answer to the member
mod-public-reason = Reason shown in the public log
mod-public-reason-none = (none)
mod-also-member = Also warn, silence or suspend the member
mod-member-action = Action on the member
mod-member-none = None
mod-sanction-warn = Warn
mod-sanction-silence = Silence (can read, cannot post)
mod-sanction-suspend = Suspend (cannot log in)
mod-message = Reason the member reads
mod-message-hint = Sent to them by e-mail and shown when they try to post or log in.
mod-length = For how long
mod-length-1d = One day
mod-length-3d = Three days
mod-length-7d = One week
mod-length-30d = 30 days
mod-length-until = Until the date below
mod-length-forever = Permanently
mod-until = Until
mod-until-hint = Used with “Until the date below”, in your time zone.
mod-note = Note for staff
mod-note-hint = Only staff read it, in the log and on this page.
mod-note-label = Staff note:
mod-submit = Apply
mod-done = Done. It is in the moderation log.
mod-gone = Another moderator handled this already.
mod-action-required = Choose a decision.
mod-member-action-required = Choose what to do to the member.
mod-message-required = Write the reason the member will read.
mod-message-too-long = Keep the reason under 2,000 characters.
mod-length-required = Choose for how long.
mod-until-past = That end is in the past: choose a later date and time.
mod-until-invalid = Give the end as a date and time.
mod-no-reason = No reason was given.
mod-content-title = Moderation of a piece
mod-not-queued = Nothing about it is waiting in the queue. You can still act on it.
mod-flags-all = Every flag
mod-flags-none = No flags.
mod-flags-about = Flags about this member
mod-flag-upheld = upheld
mod-flag-dismissed = dismissed
mod-history = Moderation history
mod-member-title = Moderation: { $name }
mod-member-profile = Public profile
mod-sanctions = Warnings, silences and suspensions
mod-sanctions-none = None so far.
mod-in-force = In force
mod-lifted-on = lifted { $date }
mod-lift = Lift
mod-lifted = Lifted. The member can post again.
mod-cannot-sanction = You cannot warn, silence or suspend this member (yourself, an administrator, or a moderator when you are not an administrator).
mod-settings-title = Moderation settings
mod-settings-saved = Saved.
mod-threshold = Flags that hide a post until reviewed
mod-threshold-hint = A member's flag counts 1; a staff member's flag hides at once. From 1 to 100.
mod-threshold-invalid = Give a whole number from 1 to 100.
mod-appeal-twice = You appealed against this already.
sanction-reason-label = Reason:
sanction-until = until { $until }
sanction-permanent = with no end date
modlog-title = Moderation log
modlog-intro = What the moderators did, and why. Names and private notes are left out.
modlog-none = Nothing yet.
modlog-intro-staff = What the moderators did, and why, with names and staff notes. The public log leaves those out.
modlog-filters = Filter the log
modlog-none-match = Nothing in the log matches these filters.
modlog-by-site = the site (flags)
modlog-filter-action = Action
modlog-filter-moderator = Moderator
modlog-filter-member = Member
modlog-hide = Hidden
modlog-show = Shown again
modlog-delete = Deleted
modlog-approve = Approved
modlog-dismiss = Flags dismissed
modlog-warn = Warned
modlog-silence = Silenced
modlog-suspend = Suspended
modlog-lift = Sanction lifted
modlog-appeal_lifted = Appeal granted
modlog-appeal_upheld = Appeal refused
modlog-edit = Edited
modlog-other = Other
modlog-public-hide = Hidden: { $what }
modlog-public-hide-in = Hidden: { $what } in { $place }
modlog-public-approve = Reviewed and kept: { $what }
modlog-public-approve-in = Reviewed and kept: { $what } in { $place }
modlog-public-delete = Deleted: { $what }
modlog-public-delete-in = Deleted: { $what } in { $place }
modlog-public-edit = Edited by a moderator: { $what }
modlog-public-edit-in = Edited by a moderator: { $what } in { $place }
modlog-public-other = Moderated: { $what }
modlog-public-other-in = Moderated: { $what } in { $place }
modlog-public-warn = A member was warned
modlog-public-silence = A member was silenced
modlog-public-suspend = A member was suspended
modlog-public-lift = A member's sanction was lifted
modlog-public-appeal_upheld = A member's appeal was refused
modlog-public-dismiss = Flags about a member were dismissed
notif-mod-hidden = “{ $detail }” was hidden after members flagged it. A moderator will review it.
notif-mod-restored = A moderator reviewed “{ $detail }” and it is shown again.
notif-mod-warned = A moderator warned you: { $detail }
notif-mod-silenced = A moderator silenced you: you can read but not post. { $detail }
appeal-title = Your account
appeal-suspended = Your account is suspended.
appeal-permanent = It has no end date.
appeal-silenced = Your account is silenced: you can read but not post.
appeal-link-expired = This link no longer works. Log in (or try to) to get a new one.
appeal-nothing = Your account is in good standing: there is nothing to appeal.
appeal-body = Your appeal
appeal-body-hint = Tell the moderators why the decision should change. You can appeal once.
appeal-body-required = Write your appeal.
appeal-body-too-long = Keep your appeal under 4,000 characters.
appeal-submit = Send the appeal
appeal-sent = Your appeal was sent. You will get the answer by e-mail.
appeal-yours = Your appeal
appeal-waiting = The moderators have not answered yet.
appeal-answer-lifted = Your appeal was granted: the sanction is lifted.
appeal-answer-upheld = Your appeal was refused: the sanction stays.
silenced-title = You cannot post for now
silenced-until = A moderator silenced your account until { $until }: you can read, but not post.
silenced-permanent = A moderator silenced your account: you can read, but not post.
silenced-appeal-link = Read more, or appeal
error-silenced = Your account is silenced: you can read, but not post.
err-login-suspended-until = This account is suspended until { $until }.
login-suspended-why = Why, and how to appeal
mail-warn-subject = A warning from the moderators of { $site }
mail-warn-intro = Hello { $username }, a moderator of { $site } warned you.
mail-silence-subject = Your account on { $site } is silenced
mail-silence-intro = Hello { $username }, a moderator of { $site } silenced your account: you can read, but not post.
mail-suspend-subject = Your account on { $site } is suspended
mail-suspend-intro = Hello { $username }, a moderator of { $site } suspended your account: you cannot log in.
mail-sanction-reason = Reason: { $reason }
mail-sanction-until = It ends on { $until }.
mail-sanction-permanent = It has no end date.
mail-sanction-appeal = You can appeal once, on this page:
mail-appeal-lifted-subject = Your appeal on { $site } was granted
mail-appeal-lifted-intro = Hello { $username }, the moderators of { $site } granted your appeal: the sanction is lifted.
mail-appeal-upheld-subject = Your appeal on { $site } was refused
mail-appeal-upheld-intro = Hello { $username }, the moderators of { $site } looked at your appeal: the sanction stays.
flag-profile-link = Report this profile
mod-member-record = Moderation record

## Trust levels, watched words, pre-moderation
trust-0 = New (0)
trust-1 = Basic (1)
trust-2 = Member (2)
trust-3 = Regular (3)
trust-4 = Leader (4)
trust-level = Trust level
trust-locked = set by staff
trust-set = Level
trust-auto = Computed from what they do
trust-yours = Your trust level: { $level }.
trust-set-by-staff = Staff set it by hand.
trust-next = To reach { $level }:
trust-need-days = { $need } days since joining (you: { $have })
trust-need-read = { $need } topics read (you: { $have })
trust-need-posts = { $need } posts and replies (you: { $have })
trust-need-likes = { $need } likes received (you: { $have })
trust-need-upheld = at most { $need } of your posts flagged and removed (you: { $have })
trust-hint = New members' posts may wait for a moderator on some boards, and have limits on links, pictures and posts per hour. Higher levels weigh more when they flag, and regulars edit magazine articles without review.
trust-settings = Trust levels
trust-settings-hint = What a member needs for each level. Level 4 is only given by hand.
trust-req-days = Days since joining
trust-req-read = Topics read
trust-req-posts = Posts
trust-req-likes = Likes received
trust-req-max-upheld = Most upheld flags
trust-limits = New members (level 0)
trust-limit-links = Links in one post
trust-limit-pictures = Pictures in one post
trust-limit-per-hour = Posts in one hour (0: no limit)
trust-limits-hint = Staff and members of level 1 and up have none of these limits.
trust-too-many-links = New members can put at most { $count } links in a post. Remove some and send it again: your text is below.
trust-too-many-pictures = New members can put at most { $count } pictures in a post. Remove some and send it again: your text is below.
trust-too-many-posts = New members can post { $count } times an hour. Try again a little later: your text is below.
mod-settings-numbers = Some numbers are not right (marked). Give whole numbers, the threshold from 1 to 100.
modlog-trust = Trust level set
modlog-public-trust = A member's trust level was changed
words-title = Watched words
words-intro = Words and patterns to look for in every new post and edit. Whole words only, in English and Chinese; staff are not checked.
words-add = Watch a word
words-pattern = Word, phrase or pattern
words-pattern-hint = A word or phrase matches whole words, whatever the case (“refund”, “money back”, “退款”). A pattern is a regular expression.
words-kind = It is
words-kind-word = a word or phrase
words-kind-regex = a pattern (regular expression)
words-action = What happens
words-action-block = Block: the author is told which word
words-action-hold = Hold the post for review
words-action-replace = Replace it
words-action-tag = Tag the post
words-replacement = Replacement or tag
words-replacement-hint = For “Replace”, what it becomes; for “Tag”, the tag.
words-submit = Watch it
words-list = Watched now
words-none = No words are watched.
words-remove = Stop watching
words-added = Watched. New posts and edits are checked from now on.
words-removed = No longer watched.
words-pattern-empty = Give a word, a phrase or a pattern.
words-pattern-long = Keep it under 200 characters.
words-regex-invalid = This pattern cannot be used: it is not a valid regular expression, or it asks for something that cannot run in time linear in the text (back-references, look-around).
words-regex-too-big = This pattern is too large to run quickly on every post. Make it simpler.
words-action-required = Choose what happens.
words-tag-invalid = Give a tag name (letters, digits, spaces, - + # .).
words-replacement-long = Keep it under 100 characters.
words-duplicate = This is watched already.
watched-blocked = Your text contains “{ $word }”, which this site does not accept. Change it and send it again: your text is below.
field-premoderation = Posts waiting for approval
field-premoderation-hint = Held posts are shown to their author and moderators only until a moderator approves them. Staff posts are never held.
premod-off = None
premod-new = New members' (trust level 0)
premod-all = Every member's
err-board-premoderation = Choose whose posts wait for approval.

## Keyword alerts
alerts-title = Keyword alerts
alerts-intro = Be told of every new public post, reply or comment that names a word you watch — in the site and by e-mail, within a minute.
alerts-word = Word or phrase
alerts-word-hint = Whole words, whatever the case: a product's name, the brand, “refund”, “退款”.
alerts-submit = Watch it
alerts-list = Your words
alerts-none = You watch no words yet.
alerts-remove = Stop
alerts-added = Watched. New public posts that name it will reach you.
alerts-removed = No longer watched.
alerts-too-many = You watch 50 words already: stop watching one first.
alerts-duplicate = You watch this already.
alerts-prefs = How alerts reach you
notif-keyword = A new public { $what } names “{ $detail }”.
prefs-kind-keyword = Keyword alerts (staff)
mod-alerts-link = Keyword alerts

## Crisis statement and board modes
statement-title = Site statement
statement-intro = Put the company's statement in front of everyone: a banner on every page, in the reader's language when both versions are given, linking to the full statement. Readers can dismiss it; a new statement shows again.
statement-current = In force now
statement-none = No statement is shown.
statement-new = Publish a statement
statement-text-en = Text in English
statement-text-zh = Text in Chinese (optional)
statement-link = Link to the full statement
statement-link-hint = A page of this site (/blog/…) or a web address (https://…). Optional.
statement-publish = Publish on every page
statement-withdraw = Withdraw
statement-withdraw-confirm = Take the statement off every page?
statement-published = Published: it is on every page now.
statement-withdrawn = Withdrawn.
statement-text-required = Write the statement in English (Chinese is optional).
statement-text-long = Keep each version under 500 characters: link to the full statement for more.
statement-link-invalid = Give a page of this site starting with / or a web address starting with https://.
statement-label = Statement from the company
statement-kicker = Statement:
statement-read = Read the full statement
statement-dismiss = Dismiss
board-modes = Board modes
board-modes-hint = Slow down a board (a member posts there at most once in the interval) or make it read-only (only staff post) for a time.
board-modes-none = There are no boards.
board-mode = Mode
board-mode-normal = Normal
board-mode-slow = Slow mode
board-mode-read-only = Read-only
board-slow-seconds = Seconds between posts
board-for-1h = one hour
board-for-6h = six hours
board-for-24h = one day
board-for-72h = three days
board-for-ever = until changed back
board-mode-saved = The board's mode is saved.
board-slow-seconds-invalid = Give the seconds between posts, from 10 to 86400.
board-read-only = This board is read-only for now: only staff post. Your text is below.
board-read-only-until = This board is read-only until { $until }: only staff post. Your text is below.
board-slow = This board is in slow mode: one post every { $seconds } seconds. Wait a little and send it again: your text is below.
modlog-statement = Statement published
modlog-statement_withdrawn = Statement withdrawn
modlog-board_mode = Board mode changed
modlog-word_added = Watched word added
modlog-word_removed = Watched word removed
modlog-public-statement = The site published a statement
modlog-public-statement_withdrawn = The site withdrew its statement
modlog-public-board_mode = A board's mode changed
nav-statement = Statement

## Spam defences
spam-trap-label = Leave this field empty
spam-honeypot = This form could not be sent. If you are a person, send it again without filling in hidden fields: your text is below.
spam-no-stamp = This form is too old or did not come from this site's page. Open the page again and send it from there: your text is below.
spam-too-fast = That was very quick: this form waits { $seconds } seconds before it can be sent. Go back and send it again: your text is below.
spam-duplicate = You posted the same text a moment ago in another place. Post it once, or change it: your text is below.
err-email-disposable = Addresses from throwaway mail services cannot be used here. Give an address you keep.

## Muting and ignoring members
muted-title = Muted and ignored members
muted-intro = Only you see this list: the members in it are not told.
muted-explain-mute = Muted: their @mentions, quotes, replies and comments do not notify you.
muted-explain-ignore = Ignored: that, and their replies and comments are folded away on every page (you can still open each one).
muted-none = You have not muted or ignored anyone. To do so, open a member's profile.
muted-since = since { $date }
mute-label = Your view of this member
mute-level-none = Normal
mute-level-mute = Muted
mute-level-ignore = Ignored
mute-save = Save
mute-private = Only you see this.
mute-stop-mute = Unmute
mute-stop-ignore = Stop ignoring
mute-error-level = Choose Normal, Muted or Ignored.
mute-error-self = You cannot mute or ignore yourself.
mute-error-staff = Moderators and admins cannot be muted or ignored: they must be able to reach every member. If one of them troubles you, write to another admin.
mute-error-limit = You already mute or ignore { $limit } members, the most one account can. Unmute someone first.
ignored-post = Reply by { $name }, whom you ignore. Show it
ignored-comment = Comment by { $name }, whom you ignore. Show it

## A moderator edits a piece
mod-edit-link = Edit the text
mod-edit-title = Edit as moderator
mod-edit-intro = Change only what must go (a link, a phone number, an insult). The version before is kept in the piece's history, the edit is in the moderation log, and the author is told. If the piece waits in the review queue, it stays there until you approve or hide it.
mod-edit-body = Text
mod-edit-save = Save the edit
mod-edit-too-long = This text is longer than this kind of post allows.
mod-edit-unchanged = Nothing was changed. Change the text, or go back.
mod-edit-elsewhere = This kind of piece is edited in its own editor (the magazine's), not here.
mod-edited = Edited. The author is told; approve or hide the piece when you are done.
notif-mod-edited = A moderator edited your post “{ $detail }”.
content-held = Waiting for approval
content-held-explain = A moderator looks at it before it is published: until then only its author and the moderators see it.
mod-magazine-waiting = The magazine waits for an editor:
mod-magazine-edits = { $count ->
    [one] { $count } edit
   *[other] { $count } edits
}
mod-magazine-entries = { $count ->
    [one] { $count } contribution
   *[other] { $count } contributions
}
mod-magazine-review = Review them
modlog-move = Moved
modlog-public-move = Moved by a moderator: { $what }
modlog-public-move-in = Moved by a moderator: { $what }, now in { $place }
mod-move-link = Move to another board
mod-move-title = Move a topic
mod-move-intro = The topic and its replies go to the board you choose; its old address leads to the new one, and its followers who cannot read the new board stop following it.
mod-move-board = Move to
mod-move-choose = Choose one of the boards listed: a board of the same kind that you can read.
mod-move-none = There is no other board of this kind to move it to.
mod-move-submit = Move the topic
mod-move-reviews = A review belongs to its product, on its board: reviews cannot be moved.
mod-move-from = Now in { $board }.
modlog-merge = Merged
modlog-public-merge = Merged by a moderator into { $what }
modlog-public-merge-in = Merged by a moderator into { $what } in { $place }
mod-merge-link = Merge into another topic
mod-merge-title = Merge a topic into another
mod-merge-intro = The opening post and the replies of this topic become replies of the topic you name, after its own; this topic's tags and followers go with them, and its address leads to its post there. It cannot be undone in one step.
mod-merge-into = The topic to merge into: its number or its address
mod-merge-hint = For example 42, or /forums/help/42-the-title copied from the address bar.
mod-merge-submit = Merge the topics
mod-merge-which = Name a topic you can read, by its number or its address.
mod-merge-itself = A topic cannot be merged into itself: name another one.
mod-merge-same-kind = Topics merge only within the same kind of board (discussion into discussion, question into question).
mod-merge-kind = Only discussion and question topics can be merged: a review or an idea would lose its rating or its votes.
notif-mod-approved = A moderator approved “{ $detail }”: it is published.
mod-edit-staff = What staff and moderators write only an admin edits.
mod-versions = Earlier versions
mod-version-until = The text until { $date }
mod-version-replaced-by = replaced by { $name }

## Notifications that name what they are about
notif-comment-on = { $actor } commented on your post “{ $title }”
notif-reply-on = { $actor } replied to your comment on “{ $title }”
notif-topic-reply-on = { $actor } replied to your topic “{ $title }”
notif-followed-reply-on = { $actor } replied in a topic you follow: “{ $title }”
notif-new-topic-on = { $actor } started a topic in a board you follow: “{ $title }”
notif-quote-on = { $actor } quoted you in { $what } in “{ $title }”
notif-mention-on = { $actor } mentioned you in { $what } in “{ $title }”
notif-accepted-on = { $actor } accepted your answer in “{ $title }”
notif-response-on = { $actor } responded officially to your review “{ $title }”
topic-edit-questions = Edit your question
topic-edit-reviews = Edit your review
topic-edit-ideas = Edit your idea
idea-sort = Sort
idea-status-filter = Status
blog-first-post-invite = Nothing here yet. Your first post is one click away: readers who follow this blog will see it at once.
blog-blogroll-invite = Point readers to the sites you like: add links in the blog’s settings.
profile-own-empty = This is your profile: what you post in the forums and blogs will show here.
profile-nothing-yet = { $name } has not posted anything public yet.
replies-none-yet = Replies
post-more-from-blog = More from this blog
comments-heading = Comments
topic-started = Started
topic-facts-replies = Replies
topic-facts-views = Views
topic-facts-active = Last activity

## The site's own look (/admin/site)
nav-admin-site = Site look
home-magazine = From the magazine
site-look-title = The site's look
site-look-intro = Put the company's face on the site: its logo and favicon, its accent colour (kept readable in light and dark), a short footer in both languages, and what the home page shows in which order.
site-look-saved = Saved: every page shows the new look now.
site-choose-again = Nothing was saved; choose the pictures again (browsers do not keep a chosen file).
site-logo = Logo
site-logo-current = The logo now
site-logo-remove = Remove the logo (the site's name is shown instead)
site-logo-replace = Another logo
site-logo-choose = Choose a logo
site-logo-hint = A PNG, JPEG, WebP or GIF picture drawn for a light background (dark pages show it on a white one), shown about 36 pixels high in the header, alone below 1280 pixels wide, and in link previews of pages without a picture of their own.
site-logo-only = Show the logo alone (it spells the site's name); otherwise the name is written beside it
site-favicon = Favicon
site-favicon-current = The favicon now
site-favicon-remove = Remove the favicon (Plaza's own is shown)
site-favicon-replace = Another favicon
site-favicon-choose = Choose a favicon
site-favicon-hint = A square PNG, JPEG, WebP or GIF picture, best at 64 by 64 pixels or larger: the icon in browser tabs and bookmarks.
site-accent = Accent colour
site-accent-now = Light pages: { $light } (contrast { $light_ratio }). Dark pages: { $dark } (contrast { $dark_ratio }).
site-accent-plaza = Plaza's own blue is used. Give a colour to use the company's.
site-accent-light = Accent on light pages
site-accent-hint = A colour as #rrggbb, e.g. #2459d6. Links and buttons use it; it must reach a contrast of 4.5:1 with the page (WCAG AA). Leave it empty for Plaza's own.
site-accent-dark = Accent on dark pages (optional)
site-accent-dark-hint = Leave it empty to use a lighter shade of the accent that stays readable on dark pages.
site-accent-not-colour = “{ $value }” is not a colour: write it as # and six hexadecimal digits, e.g. #2459d6.
site-accent-contrast = This colour is hard to read on the light page: its contrast is { $ratio }:1, and links and buttons need at least 4.5:1 (WCAG AA). The nearest darker shade that passes is { $shade }.
site-accent-dark-contrast = This colour is hard to read on a dark page: its contrast is { $ratio }:1, and links and buttons need at least 4.5:1 (WCAG AA). The nearest lighter shade that passes is { $shade }.
site-accent-dark-alone = Give the accent for light pages too (the dark one is its companion).
site-footer = Footer
site-footer-en = Footer in English
site-footer-zh = Footer in Chinese (optional: readers of Chinese see the English one otherwise)
site-footer-hint = A line or two: the company's address, links to its terms and privacy pages. Markdown: [text](https://…) makes a link. At most 600 characters each.
site-footer-long = Keep the footer to at most 600 characters: link to a page for more.
site-sections = Home page
site-sections-label = Sections, in order, one per line
site-sections-hint = Leave out a section to hide it. Sections of the main column come before the side column's on a phone. The sections are:
site-column-main = main column
site-column-side = side column
site-sections-unknown = There is no section called “{ $name }”: use the names listed below.
site-sections-twice = “{ $name }” is named twice: each section shows once.
site-sections-empty = Name at least one section, or the home page is empty.
site-picture-not-image = This file is not a picture: choose a PNG, JPEG, WebP or GIF file.
