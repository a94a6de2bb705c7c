wrk.method = "POST"
wrk.headers["content-type"] = "application/json"
wrk.body = '{"username":"editor","password":"mật khẩu đo hiệu năng"}'
